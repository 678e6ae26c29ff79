// The migrations are embedded when the app compiles (`sqlx::migrate!`): a new or changed one
// must compile it again, which cargo does not know without being told.
fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
