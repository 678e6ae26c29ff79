//! Admin pages: overview, staff accounts, portal invitations, API tokens.
use super::invitations::{list_invitations, CreateInvitation};
use super::tokens::{list_tokens, CreateToken, RevokeToken};
use super::users::{list_users, CreateUser, SendResetLink, StaffUser, UpdateUser};
use crate::accounts::two_factor::{two_factor_required, RequireTwoFactor, ResetTwoFactor};
use crate::accounts::Role;
use crate::components::flash::Flash;
use crate::components::form::{FormAlert, TextField};
use crate::components::layout::{EmptyState, LoadError, PageHeader};
use crate::components::time::{format_date, format_ms};
use leptos::prelude::*;

#[component]
pub fn AdminHome() -> impl IntoView {
    view! {
        <PageHeader title="Admin".into()/>
        <div class="cards">
            <a class="card card-link" href="/admin/users"><h2>"Staff accounts"</h2><p>"Create accounts, change roles, deactivate people who left."</p></a>
            <a class="card card-link" href="/admin/invitations"><h2>"Portal invitations"</h2><p>"Invite customers to see their own recovery history."</p></a>
            <a class="card card-link" href="/admin/tokens"><h2>"API tokens"</h2><p>"Let other systems send signals, feedback and orders."</p></a>
            <a class="card card-link" href="/admin/organisation"><h2>"Organisation"</h2><p>"Time zone, teams and who is in each."</p></a>
            <a class="card card-link" href="/admin/outbox"><h2>"Email outbox"</h2><p>"Notices to customers and how their delivery went."</p></a>
            <a class="card card-link" href="/admin/audit"><h2>"Audit log"</h2><p>"Who changed what and when, with the record before and after."</p></a>
        </div>
    }
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let create = ServerAction::<CreateUser>::new();
    let update = ServerAction::<UpdateUser>::new();
    let reset = ServerAction::<SendResetLink>::new();
    let reset_factor = ServerAction::<ResetTwoFactor>::new();
    let require = ServerAction::<RequireTwoFactor>::new();
    let users = Resource::new(
        move || {
            (
                create.version().get(),
                update.version().get(),
                reset_factor.version().get(),
            )
        },
        |_| list_users(),
    );
    let required = Resource::new(move || require.version().get(), |_| two_factor_required());
    let create_error = Signal::derive(move || create.value().get().and_then(|r| r.err()));
    let update_error = Signal::derive(move || update.value().get().and_then(|r| r.err()));
    let reset_error = Signal::derive(move || reset.value().get().and_then(|r| r.err()));
    view! {
        <PageHeader title="Staff accounts".into()/>
        <Flash/>
        <FormAlert error=update_error/>
        <FormAlert error=reset_error/>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                required.await.ok().map(|on| view! {
                    <ActionForm action=require attr:class="inline-form">
                        <label class="checkbox">
                            <input type="checkbox" name="required" value="1" checked=on/>
                            " Managers and admins must use two-factor authentication (they set it up at their next page)"
                        </label>
                        <button class="button button-quiet" type="submit">"Save"</button>
                    </ActionForm>
                })
            })}
        </Transition>
        <Transition fallback=|| view! { <p class="loading">"Loading accounts…"</p> }>
            {move || Suspend::new(async move {
                match users.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(list) => view! {
                        <div class="table-wrap">
                            <table class="table">
                                <thead><tr><th>"Name"</th><th>"Email"</th><th>"Role and status"</th><th>"Since"</th><th>"Password"</th></tr></thead>
                                <tbody>{list.into_iter().map(|u| view! { <UserRow user=u update=update reset=reset reset_factor=reset_factor/> }).collect_view()}</tbody>
                            </table>
                        </div>
                    }.into_any(),
                }
            })}
        </Transition>
        <section class="card">
            <h2>"New staff account"</h2>
            <ActionForm action=create attr:class="form">
                <FormAlert error=create_error/>
                <TextField label="Name" name="name" required=true error=create_error/>
                <TextField label="Email" name="email" kind="email" required=true autocomplete="off" error=create_error/>
                <div class="field">
                    <label for="f-role">"Role"</label>
                    <select id="f-role" name="role">
                        {Role::ALL.into_iter().map(|r| view! { <option value=r.as_str()>{r.label()}</option> }).collect_view()}
                    </select>
                </div>
                <TextField label="Password" name="password" kind="password" required=true autocomplete="new-password"
                    hint="At least 12 characters; common passwords are refused." error=create_error/>
                <div class="form-actions"><button class="button" type="submit">"Create account"</button></div>
            </ActionForm>
        </section>
    }
}

#[component]
fn UserRow(
    user: StaffUser,
    update: ServerAction<UpdateUser>,
    reset: ServerAction<SendResetLink>,
    reset_factor: ServerAction<ResetTwoFactor>,
) -> impl IntoView {
    let status = if user.active { "Active" } else { "Deactivated" };
    let reset_label = format!("Email {} a reset link", user.name);
    let factor_label = format!("Remove {}'s second factor", user.name);
    view! {
        <tr class:row-muted=!user.active>
            <td data-label="Name">{user.name.clone()}</td>
            <td data-label="Email">{user.email.clone()}</td>
            <td data-label="Role and status">
                <ActionForm action=update attr:class="inline-form">
                    <input type="hidden" name="id" value=user.id/>
                    <label class="visually-hidden" for=format!("role-{}", user.id)>{format!("Role of {}", user.name)}</label>
                    <select id=format!("role-{}", user.id) name="role">
                        {Role::ALL.into_iter().map(|r| view! { <option value=r.as_str() selected=r == user.role>{r.label()}</option> }).collect_view()}
                    </select>
                    <label class="visually-hidden" for=format!("active-{}", user.id)>{format!("Status of {}", user.name)}</label>
                    <select id=format!("active-{}", user.id) name="active">
                        <option value="1" selected=user.active>"Active"</option>
                        <option value="0" selected=!user.active>"Deactivated"</option>
                    </select>
                    <button class="button button-quiet" type="submit">"Save"</button>
                    <span class="visually-hidden">{status}</span>
                </ActionForm>
            </td>
            <td data-label="Since">{format_date(user.created_at)}</td>
            <td data-label="Password">
                {user.active.then(|| view! {
                    <ActionForm action=reset attr:class="inline-form">
                        <input type="hidden" name="id" value=user.id/>
                        <button class="button button-quiet" type="submit">{reset_label}</button>
                    </ActionForm>
                })}
                {user.two_factor.then(|| view! {
                    <ActionForm action=reset_factor attr:class="inline-form">
                        <input type="hidden" name="id" value=user.id/>
                        <button class="button button-quiet" type="submit">{factor_label}</button>
                    </ActionForm>
                })}
            </td>
        </tr>
    }
}

#[component]
pub fn TokensPage() -> impl IntoView {
    let create = ServerAction::<CreateToken>::new();
    let revoke = ServerAction::<RevokeToken>::new();
    let view_data = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| list_tokens(),
    );
    let create_error = Signal::derive(move || create.value().get().and_then(|r| r.err()));
    let revoke_error = Signal::derive(move || revoke.value().get().and_then(|r| r.err()));
    view! {
        <PageHeader title="API tokens".into()/>
        <Flash/>
        <FormAlert error=revoke_error/>
        <Transition fallback=|| view! { <p class="loading">"Loading tokens…"</p> }>
            {move || Suspend::new(async move {
                match view_data.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(data) => view! {
                        {data.revealed.map(|token| view! {
                            <div class="reveal" role="status">
                                <p><strong>"Copy this token now."</strong>" It is shown once and cannot be recovered."</p>
                                <code class="secret" data-testid="revealed-token">{token}</code>
                            </div>
                        })}
                        {if data.tokens.is_empty() {
                            view! { <EmptyState title="No API tokens yet"><p>"Create one for each system that sends data to Extra Mile."</p></EmptyState> }.into_any()
                        } else {
                            view! {
                                <div class="table-wrap"><table class="table">
                                    <thead><tr><th>"Name"</th><th>"Token"</th><th>"May"</th><th>"Created"</th><th>"Expires"</th><th>"Last used"</th><th>"Status"</th></tr></thead>
                                    <tbody>{data.tokens.into_iter().map(|t| view! {
                                        <tr class:row-muted=t.revoked_at.is_some()>
                                            <td data-label="Name">{t.name.clone()}</td>
                                            <td data-label="Token"><code>{format!("{}…", t.prefix)}</code></td>
                                            <td data-label="May">{if t.read_only { "Read only" } else { "Read and write" }}</td>
                                            <td data-label="Created">{format_ms(t.created_at)}</td>
                                            <td data-label="Expires">{t.expires_at.map(format_ms).unwrap_or_else(|| "never".into())}</td>
                                            <td data-label="Last used">{t.last_used_at.map(format_ms).unwrap_or_else(|| "never".into())}</td>
                                            <td data-label="Status">{match t.revoked_at {
                                                Some(at) => view! { <span>{format!("Revoked {}", format_ms(at))}</span> }.into_any(),
                                                None => view! {
                                                    <ActionForm action=revoke attr:class="inline-form">
                                                        <input type="hidden" name="id" value=t.id/>
                                                        <button class="button button-danger" type="submit">{format!("Revoke {}", t.name)}</button>
                                                    </ActionForm>
                                                }.into_any(),
                                            }}</td>
                                        </tr>
                                    }).collect_view()}</tbody>
                                </table></div>
                            }.into_any()
                        }}
                    }.into_any(),
                }
            })}
        </Transition>
        <section class="card">
            <h2>"New token"</h2>
            <ActionForm action=create attr:class="form">
                <FormAlert error=create_error/>
                <TextField label="Name" name="name" required=true hint="The system that will use it, e.g. Survey tool." error=create_error/>
                <div class="field">
                    <label for="f-expires">"Expires"</label>
                    <select id="f-expires" name="expires_in_days">
                        <option value="never">"Never"</option>
                        <option value="30">"In 30 days"</option>
                        <option value="90" selected>"In 90 days"</option>
                        <option value="365">"In a year"</option>
                    </select>
                </div>
                <label class="checkbox">
                    <input type="checkbox" name="read_only" value="1"/>
                    " Read only: it may fetch reports, profiles and incidents, but not send signals, feedback or orders"
                </label>
                <div class="form-actions"><button class="button" type="submit">"Create token"</button></div>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn InvitationsPage() -> impl IntoView {
    let create = ServerAction::<CreateInvitation>::new();
    let data = Resource::new(move || create.version().get(), |_| list_invitations());
    let create_error = Signal::derive(move || create.value().get().and_then(|r| r.err()));
    view! {
        <PageHeader title="Portal invitations".into()/>
        <Flash/>
        <section class="card">
            <h2>"Invite a customer"</h2>
            <p class="muted">"The link works once and expires in 7 days. Send it to the customer; they choose their own password."</p>
            <ActionForm action=create attr:class="form">
                <FormAlert error=create_error/>
                <TextField label="Customer email or external reference" name="customer" required=true autocomplete="off" error=create_error/>
                <div class="form-actions"><button class="button" type="submit">"Create invitation link"</button></div>
            </ActionForm>
        </section>
        <Transition fallback=|| view! { <p class="loading">"Loading invitations…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(d) => view! {
                        {d.revealed_link.map(|link| view! {
                            <div class="reveal" role="status">
                                <p><strong>"Send this link to the customer."</strong>" It is shown once."</p>
                                <code class="secret" data-testid="invitation-link">{link}</code>
                            </div>
                        })}
                        {if d.invitations.is_empty() {
                            view! { <EmptyState title="No invitations yet"><p>"Invite a customer above."</p></EmptyState> }.into_any()
                        } else {
                            view! {
                                <div class="table-wrap"><table class="table">
                                    <thead><tr><th>"Customer"</th><th>"Created"</th><th>"Status"</th></tr></thead>
                                    <tbody>{d.invitations.into_iter().map(|i| {
                                        let status = match i.used_at {
                                            Some(at) => format!("Accepted {}", format_ms(at)),
                                            None if i.expired => "Expired".to_string(),
                                            None => format!("Pending until {}", format_ms(i.expires_at)),
                                        };
                                        view! {
                                            <tr>
                                                <td data-label="Customer"><a href=format!("/customers/{}", i.customer_id)>{i.customer_name}</a></td>
                                                <td data-label="Created">{format_ms(i.created_at)}</td>
                                                <td data-label="Status">{status}</td>
                                            </tr>
                                        }
                                    }).collect_view()}</tbody>
                                </table></div>
                            }.into_any()
                        }}
                    }.into_any(),
                }
            })}
        </Transition>
    }
}
