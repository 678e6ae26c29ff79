//! Attempt counters for sign-in and other anonymous forms. Each attempt is counted before it is
//! judged, by one atomic upsert, so parallel requests cannot all slip under a limit; a counter
//! starts again when its window has passed.
use crate::db::Db;
use crate::error::AppError;

/// The part of a client address that names one client: an IPv4 address whole, an IPv6 address
/// by its /64 network (one household or device gets a whole /64, so counting single IPv6
/// addresses would let one client rotate through endless keys).
pub fn client_key(ip: &str) -> String {
    match ip.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        _ => ip.to_string(),
    }
}

/// Counts one attempt against `key` at `now` and returns the attempts in the current window,
/// this one included. Any executor, so several counters can move in one transaction.
pub async fn count_attempt<'e, E>(
    db: E,
    key: &str,
    now: i64,
    window_ms: i64,
) -> Result<i64, AppError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let attempts: i64 = sqlx::query_scalar(
        "INSERT INTO signin_throttle (key, window_start, attempts) VALUES ($1, $2, 1)
         ON CONFLICT (key) DO UPDATE SET
           attempts = CASE WHEN signin_throttle.window_start <= $3 THEN 1 ELSE signin_throttle.attempts + 1 END,
           window_start = CASE WHEN signin_throttle.window_start <= $3 THEN $2 ELSE signin_throttle.window_start END
         RETURNING attempts",
    )
    .bind(key)
    .bind(now)
    .bind(now - window_ms)
    .fetch_one(db)
    .await?;
    Ok(attempts)
}

/// When the window of `key` ends (epoch ms), if it has a counter.
pub async fn window_end(db: &Db, key: &str, window_ms: i64) -> Result<Option<i64>, AppError> {
    let start: Option<i64> =
        sqlx::query_scalar("SELECT window_start FROM signin_throttle WHERE key = $1")
            .bind(key)
            .fetch_optional(db)
            .await?;
    Ok(start.map(|s| s + window_ms))
}

/// Forgets the attempts counted against `key` (after a successful sign-in).
pub async fn clear(db: &Db, key: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM signin_throttle WHERE key = $1")
        .bind(key)
        .execute(db)
        .await?;
    Ok(())
}

/// Drops counters whose window ended long ago, so the table stays the size of recent activity.
pub async fn sweep(db: &Db, before: i64) -> Result<u64, AppError> {
    Ok(
        sqlx::query("DELETE FROM signin_throttle WHERE window_start < $1")
            .bind(before)
            .execute(db)
            .await?
            .rows_affected(),
    )
}

/// How long an attempt on an account waits when it has seen `attempts` attempts from
/// everywhere in this window, and `free` of them are let through without delay: it doubles
/// from 250 ms with each attempt past `free`, up to 8 seconds.
pub fn delay_ms(attempts: i64, free: i64) -> u64 {
    if attempts <= free {
        return 0;
    }
    let doublings = (attempts - free - 1).min(5) as u32;
    (250u64 << doublings).min(8_000)
}

#[cfg(test)]
mod tests {
    use super::{client_key, delay_ms};

    #[test]
    fn ipv6_clients_are_counted_by_their_64_network() {
        assert_eq!(client_key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(client_key("2001:db8:1:2:bbbb::9"), "2001:db8:1:2::/64");
        assert_eq!(client_key("::ffff:192.0.2.1"), "192.0.2.1");
        assert_eq!(client_key("192.0.2.1"), "192.0.2.1");
        assert_eq!(client_key("unknown"), "unknown");
    }

    #[test]
    fn attempts_within_the_free_allowance_do_not_wait() {
        assert_eq!(delay_ms(1, 5), 0);
        assert_eq!(delay_ms(5, 5), 0);
    }

    #[test]
    fn delays_double_past_the_allowance_and_stop_growing_at_eight_seconds() {
        assert_eq!(delay_ms(6, 5), 250);
        assert_eq!(delay_ms(7, 5), 500);
        assert_eq!(delay_ms(10, 5), 4_000);
        assert_eq!(delay_ms(11, 5), 8_000);
        assert_eq!(delay_ms(1_000, 5), 8_000);
    }
}
