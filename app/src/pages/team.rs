//! The Team page: everyone who works in the workspace. Admins invite
//! people by e-mail (they choose their own password), change their role
//! and which clients they see, re-send invitations and remove people.

use leptos::prelude::*;

use super::forms::{field_problem, focus_when_shown, form_problem, invalid, Refusal};
use super::shell::PageTitle;
use crate::model::{CompanySummary, TeamAccess, TeamInvite, TeamMember};
use crate::problem::reason;
use crate::{api, browser};

#[component]
pub fn TeamPage() -> impl IntoView {
    // Bumped after every change, to list the team again.
    let changed = RwSignal::new(0_u32);
    let team = Resource::new(move || changed.get(), |_| api::load_team());
    view! {
        <section class="page" aria-label="Team">
            <PageTitle name="Team" />
            <h1>"Team"</h1>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let team = match team.await {
                        Ok(team) => team,
                        Err(e) => return view! { <p class="error" role="alert">{reason(&e)}</p> }.into_any(),
                    };
                    let companies = StoredValue::new(team.companies);
                    let manage = team.may_manage;
                    let members = team.members;
                    view! {
                        {manage.then(|| view! { <InviteForm companies changed /> })}
                        {if members.is_empty() {
                            view! { <p class="notice">"Nobody is on the team yet."</p> }.into_any()
                        } else {
                            view! {
                                <ul class="team-list" aria-label="Team members">
                                    {members.into_iter().map(|member| view! {
                                        <MemberRow member companies manage changed />
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                    }.into_any()
                })}
            </Transition>
        </section>
    }
}

const INVITE_FIELDS: &[&str] = &[
    "givenName",
    "familyName",
    "email",
    "role",
    "companyAccessList",
];

#[component]
fn InviteForm(
    companies: StoredValue<Vec<CompanySummary>>,
    changed: RwSignal<u32>,
) -> impl IntoView {
    let given = RwSignal::new(String::new());
    let family = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let role = RwSignal::new("staff".to_string());
    let limited = RwSignal::new(false);
    let chosen = RwSignal::new(Vec::<String>::new());
    let refusal: Refusal = RwSignal::new(None);
    let invited = RwSignal::new(None::<String>);
    let invite = Action::new(move |invite: &TeamInvite| {
        let invite = invite.clone();
        async move {
            match api::invite_team_member(invite).await {
                Ok(member) => {
                    refusal.set(None);
                    invited.set(Some(format!(
                        "Invitation sent to {}. They choose their own password from the e-mail.",
                        member.email
                    )));
                    // A form that was sent starts again empty.
                    given.set(String::new());
                    family.set(String::new());
                    email.set(String::new());
                    role.set("staff".into());
                    limited.set(false);
                    chosen.set(Vec::new());
                    changed.update(|n| *n += 1);
                }
                Err(e) => {
                    invited.set(None);
                    refusal.set(Some(e));
                }
            }
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let is_staff = role.get_untracked() == "staff";
        invite.dispatch(TeamInvite {
            given_name: given.get_untracked(),
            family_name: family.get_untracked(),
            email: email.get_untracked(),
            role: role.get_untracked(),
            is_client_access_limited: is_staff && limited.get_untracked(),
            company_ids: if is_staff && limited.get_untracked() {
                chosen.get_untracked()
            } else {
                Vec::new()
            },
        });
    };
    view! {
        <details class="invite-member">
            <summary class="primary">"Invite someone"</summary>
            <form on:submit=submit aria-label="Invite someone">
                <label class="stacked">
                    "Given name"
                    <input required autocomplete="off" prop:value=given on:input=move |ev| given.set(event_target_value(&ev))
                        aria-invalid=invalid(refusal, "givenName") aria-describedby="invite-given-problem" />
                </label>
                {field_problem(refusal, "givenName", "invite-given-problem")}
                <label class="stacked">
                    "Family name"
                    <input required autocomplete="off" prop:value=family on:input=move |ev| family.set(event_target_value(&ev))
                        aria-invalid=invalid(refusal, "familyName") aria-describedby="invite-family-problem" />
                </label>
                {field_problem(refusal, "familyName", "invite-family-problem")}
                <label class="stacked">
                    "E-mail"
                    <input type="email" required autocomplete="off" prop:value=email on:input=move |ev| email.set(event_target_value(&ev))
                        aria-invalid=invalid(refusal, "email") aria-describedby="invite-email-problem" />
                </label>
                {field_problem(refusal, "email", "invite-email-problem")}
                <AccessFields role limited chosen companies group="invite-role" />
                {field_problem(refusal, "companyAccessList", "invite-companies-problem")}
                {form_problem(refusal, INVITE_FIELDS)}
                {move || invited.get().map(|text| view! { <p class="notice" role="status">{text}</p> })}
                <button type="submit" class="primary" disabled=move || invite.pending().get()>"Send invitation"</button>
            </form>
        </details>
    }
}

/// Role, and for staff whether they see only some companies' clients.
#[component]
fn AccessFields(
    role: RwSignal<String>,
    limited: RwSignal<bool>,
    chosen: RwSignal<Vec<String>>,
    companies: StoredValue<Vec<CompanySummary>>,
    /// Names the role's radio group, one per form on the page.
    #[prop(into)]
    group: String,
) -> impl IntoView {
    let role_choice = move |value: &'static str, label: &'static str| {
        view! {
            <label>
                <input
                    type="radio"
                    name=group.clone()
                    value=value
                    prop:checked=move || role.get() == value
                    on:change=move |_| role.set(value.to_string())
                />
                {label}
            </label>
        }
    };
    view! {
        <fieldset>
            <legend>"Role"</legend>
            {role_choice("staff", "Staff")}
            {role_choice("admin", "Admin (manages the team and settings)")}
        </fieldset>
        <Show when=move || role.get() == "staff">
            <label>
                <input type="checkbox" prop:checked=limited on:change=move |ev| limited.set(event_target_checked(&ev)) />
                "Limit client access to these companies"
            </label>
            <Show when=move || limited.get()>
                <fieldset class="company-choice">
                    <legend>"Companies"</legend>
                    {move || {
                        let companies = companies.get_value();
                        if companies.is_empty() {
                            return view! { <p class="notice">"There are no companies yet."</p> }.into_any();
                        }
                        companies.into_iter().map(|company| {
                            let id = company.id.clone();
                            let checked_id = id.clone();
                            view! {
                                <label>
                                    <input
                                        type="checkbox"
                                        prop:checked=move || chosen.with(|c| c.contains(&checked_id))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            chosen.update(|c| {
                                                c.retain(|x| *x != id);
                                                if on { c.push(id.clone()); }
                                            });
                                        }
                                    />
                                    {company.name}
                                </label>
                            }
                        }).collect_view().into_any()
                    }}
                </fieldset>
            </Show>
        </Show>
    }
}

fn access_text(member: &TeamMember) -> String {
    if member.role == "admin" || !member.is_client_access_limited {
        "All clients".into()
    } else if member.company_names.is_empty() {
        "No clients (limited to no company)".into()
    } else {
        format!("Only clients of {}", member.company_names.join(", "))
    }
}

#[component]
fn MemberRow(
    member: TeamMember,
    companies: StoredValue<Vec<CompanySummary>>,
    manage: bool,
    changed: RwSignal<u32>,
) -> impl IntoView {
    let editing = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let failed = RwSignal::new(None::<String>);
    let done = RwSignal::new(None::<String>);
    let name = member.name.clone();
    let id = StoredValue::new(member.id.clone());
    let invited = member.status == "invited";
    let resend = move |_| {
        browser::spawn(async move {
            match api::resend_team_invitation(id.get_value()).await {
                Ok(()) => done.set(Some("A new invitation was sent.".into())),
                Err(e) => failed.set(Some(reason(&e))),
            }
        });
    };
    let remove = move |_| {
        browser::spawn(async move {
            match api::remove_team_member(id.get_value()).await {
                Ok(()) => changed.update(|n| *n += 1),
                Err(e) => {
                    confirming.set(false);
                    failed.set(Some(reason(&e)));
                }
            }
        });
    };
    let confirm_button = NodeRef::<leptos::html::Button>::new();
    focus_when_shown(confirm_button);
    let may_change = manage;
    let may_remove = manage && !member.is_me;
    let edit_label = format!("Change role and access of {name}");
    let remove_label = format!("Remove {name}");
    let resend_label = format!("Resend invitation to {name}");
    let confirm_label = format!("Remove {name}?");
    let role_text = if member.role == "admin" {
        "Admin"
    } else {
        "Staff"
    };
    let status_text = if invited { "Invited" } else { "Active" };
    let access = access_text(&member);
    let stored = StoredValue::new(member.clone());
    view! {
        <li class="member" aria-label=name.clone()>
            <div class="who">
                <span class="title">{member.name.clone()} {member.is_me.then_some(" (you)")}</span>
                <span class="preview">{member.email.clone()}</span>
            </div>
            <span class="role">{role_text}</span>
            <span class="status">{status_text}</span>
            <span class="access">{access}</span>
            <div class="actions">
                {may_change.then(|| view! {
                    <button class="link" aria-label=edit_label aria-expanded=move || editing.get().to_string()
                        on:click=move |_| editing.update(|e| *e = !*e)>"Change access"</button>
                })}
                {(manage && invited).then(|| view! {
                    <button class="link" aria-label=resend_label on:click=resend>"Resend invitation"</button>
                })}
                {may_remove.then(|| view! {
                    <button class="danger" aria-label=remove_label on:click=move |_| confirming.set(true)>"Remove"</button>
                })}
            </div>
            <Show when=move || confirming.get()>
                <div class="menu confirm" role="alertdialog" aria-label=confirm_label.clone()>
                    <p>"They are signed out at once and can no longer sign in. Their messages stay."</p>
                    <button class="danger" node_ref=confirm_button on:click=remove>"Remove from team"</button>
                    <button class="link" on:click=move |_| confirming.set(false)>"Cancel"</button>
                </div>
            </Show>
            <Show when=move || editing.get()>
                <EditAccess member=stored.get_value() companies changed editing />
            </Show>
            {move || failed.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            {move || done.get().map(|e| view! { <p class="notice" role="status">{e}</p> })}
        </li>
    }
}

#[component]
fn EditAccess(
    member: TeamMember,
    companies: StoredValue<Vec<CompanySummary>>,
    changed: RwSignal<u32>,
    editing: RwSignal<bool>,
) -> impl IntoView {
    let role = RwSignal::new(member.role.clone());
    let limited = RwSignal::new(member.is_client_access_limited);
    let chosen = RwSignal::new(member.company_ids.clone());
    let refusal: Refusal = RwSignal::new(None);
    let id = member.id.clone();
    let save = Action::new(move |access: &TeamAccess| {
        let (id, access) = (id.clone(), access.clone());
        async move {
            match api::change_team_access(id, access).await {
                Ok(_) => {
                    editing.set(false);
                    changed.update(|n| *n += 1);
                }
                Err(e) => refusal.set(Some(e)),
            }
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let is_staff = role.get_untracked() == "staff";
        let limited = is_staff && limited.get_untracked();
        save.dispatch(TeamAccess {
            role: role.get_untracked(),
            is_client_access_limited: limited,
            company_ids: if limited {
                chosen.get_untracked()
            } else {
                Vec::new()
            },
        });
    };
    let group = format!("role-{}", member.id);
    view! {
        <form class="edit-access" on:submit=submit aria-label=format!("Role and access of {}", member.name)>
            <AccessFields role limited chosen companies group />
            {field_problem(refusal, "companyAccessList", "edit-companies-problem")}
            {form_problem(refusal, &["companyAccessList"])}
            <button type="submit" class="primary" disabled=move || save.pending().get()>"Save access"</button>
            <button type="button" class="link" on:click=move |_| editing.set(false)>"Cancel"</button>
        </form>
    }
}
