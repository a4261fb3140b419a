//! Every role against every resource: admin, staff with full access, staff
//! limited to the client's company, staff limited to another company, the
//! client, a client of another company, and no credentials.

use serde_json::{json, Value};

use crate::helpers::{ids, Caller, TestApp};

/// Two companies with their clients and channels, and a caller for every role.
struct World {
    app: TestApp,
    acme: String,
    ann: Value,
    amy: Value,
    bob: Value,
    ann_channel: String,
    amy_channel: String,
    bob_channel: String,
    acme_group: String,
    acme_channel: String,
    roles: Vec<(&'static str, Caller)>,
}

impl World {
    async fn build() -> World {
        let app = TestApp::spawn().await;
        let acme = app.create_company("Acme").await;
        let globex = app.create_company("Globex").await;
        let ann = app.create_client("Ann", Some(&acme)).await;
        let amy = app.create_client("Amy", Some(&acme)).await;
        let bob = app.create_client("Bob", Some(&globex)).await;
        let (ann_id, amy_id) = (ann["id"].as_str().unwrap(), amy["id"].as_str().unwrap());
        let ann_channel = app.individual_channel(ann_id).await;
        let amy_channel = app.individual_channel(amy_id).await;
        let bob_channel = app.individual_channel(bob["id"].as_str().unwrap()).await;
        let acme_group = app
            .admin
            .post(
                "/v1/message-channels",
                json!({ "membershipType": "group", "memberIds": [ann_id, amy_id] }),
            )
            .await
            .id();
        let acme_channel = app
            .admin
            .post(
                "/v1/message-channels",
                json!({ "membershipType": "company", "companyId": acme }),
            )
            .await
            .id();

        let roles = app.every_role(&acme, &globex, &ann, &bob).await;
        World {
            app,
            acme,
            ann,
            amy,
            bob,
            ann_channel,
            amy_channel,
            bob_channel,
            acme_group,
            acme_channel,
            roles,
        }
    }

    fn ann_id(&self) -> &str {
        self.ann["id"].as_str().unwrap()
    }
}

/// Expected statuses in the order of `World::roles`.
fn check(
    world: &World,
    what: &str,
    expected: [u16; 8],
    responses: Vec<(&'static str, u16, Value)>,
) {
    assert_eq!(responses.len(), expected.len());
    for ((role, status, body), want) in responses.into_iter().zip(expected) {
        assert_eq!(status, want, "{what} as {role}: {body}");
        if status >= 400 {
            assert!(
                body["code"].is_string() && body["message"].is_string(),
                "{what} as {role}: error shape {body}"
            );
        }
    }
    let _ = world;
}

async fn each_role<F, Fut>(world: &World, call: F) -> Vec<(&'static str, u16, Value)>
where
    F: Fn(Caller) -> Fut,
    Fut: std::future::Future<Output = crate::helpers::Response>,
{
    let mut out = Vec::new();
    for (role, caller) in &world.roles {
        let response = call(caller.clone()).await;
        out.push((*role, response.status, response.body));
    }
    out
}

//                          admin key, admin session, staff full, staff Acme, staff Globex, Ann, Bob, anonymous
const ACME_READERS: [u16; 8] = [200, 200, 200, 200, 404, 200, 404, 401];
const ADMIN_ONLY: [u16; 8] = [200, 200, 403, 403, 403, 403, 403, 401];

#[tokio::test]
async fn who_may_read_and_write_each_resource() {
    let w = World::build().await;
    let ann_id = w.ann_id().to_string();

    for (label, channel) in [
        ("Ann's individual channel", &w.ann_channel),
        ("the Acme group", &w.acme_group),
        ("the Acme company channel", &w.acme_channel),
    ] {
        let path = format!("/v1/message-channels/{channel}");
        check(
            &w,
            &format!("reading {label}"),
            ACME_READERS,
            each_role(&w, |c| {
                let p = path.clone();
                async move { c.get(&p).await }
            })
            .await,
        );
        let path = format!("/v1/messages?channelId={channel}");
        check(
            &w,
            &format!("listing messages of {label}"),
            ACME_READERS,
            each_role(&w, |c| {
                let p = path.clone();
                async move { c.get(&p).await }
            })
            .await,
        );
        let channel = channel.clone();
        check(
            &w,
            &format!("sending to {label}"),
            ACME_READERS,
            each_role(&w, |c| {
                let ch = channel.clone();
                async move { c.send_message(&ch, "hello").await }
            })
            .await,
        );
    }

    let path = format!("/v1/clients/{ann_id}");
    check(
        &w,
        "reading client Ann",
        ACME_READERS,
        each_role(&w, |c| {
            let p = path.clone();
            async move { c.get(&p).await }
        })
        .await,
    );
    let path = format!("/v1/companies/{}", w.acme);
    check(
        &w,
        "reading company Acme",
        ACME_READERS,
        each_role(&w, |c| {
            let p = path.clone();
            async move { c.get(&p).await }
        })
        .await,
    );

    check(
        &w,
        "changing messaging settings",
        ADMIN_ONLY,
        each_role(&w, |c| async move {
            c.patch(
                "/v1/settings/messaging",
                json!({ "welcomeMessage": "Hello {{client.givenName}}" }),
            )
            .await
        })
        .await,
    );
    check(
        &w,
        "adding a team member",
        ADMIN_ONLY,
        each_role(&w, |c| async move {
            let email = format!("new.{}@example.com", uuid::Uuid::new_v4().simple());
            c.post(
                "/v1/internal-users",
                json!({ "givenName": "N", "familyName": "U", "email": email, "role": "staff" }),
            )
            .await
        })
        .await,
    );

    let acme = w.acme.clone();
    check(&w, "creating a client in Acme", [200, 200, 200, 200, 422, 403, 403, 401], each_role(&w, |c| {
        let acme = acme.clone();
        async move {
            let email = format!("c.{}@example.com", uuid::Uuid::new_v4().simple());
            c.post("/v1/clients", json!({ "givenName": "C", "familyName": "D", "email": email, "companyId": acme })).await
        }
    }).await);
    check(
        &w,
        "mass-messaging Ann",
        [200, 200, 200, 200, 422, 403, 403, 401],
        each_role(&w, |c| {
            let ann = ann_id.clone();
            async move {
                c.post(
                    "/v1/mass-messages",
                    json!({ "clientIds": [ann], "text": "Tax season!" }),
                )
                .await
            }
        })
        .await,
    );
    check(
        &w,
        "creating a company",
        [200, 200, 200, 403, 403, 403, 403, 401],
        each_role(&w, |c| async move {
            c.post(
                "/v1/companies",
                json!({ "name": format!("Co {}", uuid::Uuid::new_v4().simple()) }),
            )
            .await
        })
        .await,
    );
}

#[tokio::test]
async fn each_role_lists_exactly_the_channels_it_is_part_of() {
    let w = World::build().await;
    let all = [
        &w.ann_channel,
        &w.amy_channel,
        &w.bob_channel,
        &w.acme_group,
        &w.acme_channel,
    ];
    let acme_channels = vec![
        &w.ann_channel,
        &w.amy_channel,
        &w.acme_group,
        &w.acme_channel,
    ];
    let expectations: [(&str, Vec<&String>); 7] = [
        ("admin key", all.to_vec()),
        ("admin session", all.to_vec()),
        ("staff, full access", all.to_vec()),
        ("staff, limited to Acme", acme_channels),
        ("staff, limited to Globex", vec![&w.bob_channel]),
        (
            "client Ann of Acme",
            vec![&w.ann_channel, &w.acme_group, &w.acme_channel],
        ),
        ("client Bob of Globex", vec![&w.bob_channel]),
    ];
    for ((role, caller), (expected_role, expected)) in w.roles.iter().zip(expectations) {
        assert_eq!(*role, expected_role);
        let listed = ids(&crate::helpers::collect_pages(caller, "/v1/message-channels").await);
        let mut expected: Vec<String> = expected.into_iter().cloned().collect();
        expected.sort();
        let mut listed_sorted = listed.clone();
        listed_sorted.sort();
        assert_eq!(listed_sorted, expected, "channels listed for {role}");
    }
    let anonymous = w.app.anonymous().get("/v1/message-channels").await;
    anonymous.assert_error(401, "listing channels without credentials");
}

#[tokio::test]
async fn clients_see_only_themselves_and_clients_of_their_own_companies() {
    let w = World::build().await;
    let (_, ann) = &w.roles[5];
    let listed = ids(&crate::helpers::collect_pages(ann, "/v1/clients").await);
    let (ann_id, amy_id, bob_id) = (
        w.ann_id(),
        w.amy["id"].as_str().unwrap(),
        w.bob["id"].as_str().unwrap(),
    );
    assert!(
        listed.iter().any(|id| id == ann_id) && listed.iter().any(|id| id == amy_id),
        "{listed:?}"
    );
    assert!(
        !listed.iter().any(|id| id == bob_id),
        "Ann must not see Bob of Globex: {listed:?}"
    );
    let seen = ann.get(&format!("/v1/clients/{amy_id}")).await;
    assert_eq!(seen.status, 200);
    assert!(
        seen.body["inviteUrl"].is_null(),
        "a client must never see another's invitation link: {}",
        seen.body
    );
    let companies = ids(&crate::helpers::collect_pages(ann, "/v1/companies").await);
    assert_eq!(companies, vec![w.acme.clone()], "Ann sees only her company");
}

#[tokio::test]
async fn a_client_cannot_learn_what_others_see_by_filtering_on_them() {
    let w = World::build().await;
    let (_, ann) = &w.roles[5];
    let staff = w.app.admin.get("/v1/internal-users").await.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_string())
        .collect::<Vec<_>>();
    let others = staff
        .iter()
        .map(String::as_str)
        .chain([w.amy["id"].as_str().unwrap()]);
    for other in others {
        ann.get(&format!("/v1/message-channels?memberId={other}"))
            .await
            .assert_error(403, "whose channels another person sees is theirs");
    }
    let own = ann
        .get(&format!("/v1/message-channels?memberId={}", w.ann_id()))
        .await;
    assert_eq!(own.status, 200, "{}", own.body);
    let everything = ann.get("/v1/message-channels").await;
    assert_eq!(own.body["data"], everything.body["data"]);
}

#[tokio::test]
async fn a_limited_staff_member_cannot_reach_other_companies_through_filters() {
    let w = World::build().await;
    let (_, staff_acme) = &w.roles[3];
    let bob_id = w.bob["id"].as_str().unwrap();
    let by_member = staff_acme
        .get(&format!("/v1/message-channels?memberId={bob_id}"))
        .await;
    assert_eq!(by_member.status, 200);
    assert_eq!(
        by_member.body["data"].as_array().unwrap().len(),
        0,
        "{}",
        by_member.body
    );
    let by_client = staff_acme
        .get(&format!("/v1/message-channels?clientId={bob_id}"))
        .await;
    assert_eq!(
        by_client.body["data"].as_array().unwrap().len(),
        0,
        "{}",
        by_client.body
    );
    let by_email = staff_acme
        .get(&format!(
            "/v1/clients?email={}",
            w.bob["email"].as_str().unwrap()
        ))
        .await;
    assert_eq!(
        by_email.body["data"].as_array().unwrap().len(),
        0,
        "{}",
        by_email.body
    );
    let bob_messages = staff_acme
        .get(&format!("/v1/messages?channelId={}", w.bob_channel))
        .await;
    bob_messages.assert_error(404, "reading Bob's messages as staff limited to Acme");
}

#[tokio::test]
async fn writes_with_a_session_cookie_need_the_csrf_token() {
    let w = World::build().await;
    let (_, ann) = &w.roles[5];
    let forged = ann
        .without_csrf()
        .send_message(&w.ann_channel, "sent by another site")
        .await;
    forged.assert_error(403, "a cookie-only write");
    let reads = ann
        .without_csrf()
        .get(&format!("/v1/messages?channelId={}", w.ann_channel))
        .await;
    assert_eq!(reads.status, 200, "reads need no CSRF token");
    let texts: Vec<&str> = reads.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert!(
        !texts.contains(&"sent by another site"),
        "the refused write left nothing behind: {texts:?}"
    );
    assert_eq!(
        ann.send_message(&w.ann_channel, "with the token")
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn what_clients_wrote_is_listed_for_the_staff_who_may_see_it_and_no_one_else() {
    let w = World::build().await;
    let (ann, bob) = (&w.roles[5].1, &w.roles[6].1);
    ann.send_message(&w.ann_channel, "First question").await;
    let newest = ann
        .send_message(&w.ann_channel, "Second question")
        .await
        .id();
    bob.send_message(&w.bob_channel, "Hello from Globex").await;
    // Staff messages are not client activity.
    w.app.admin.send_message(&w.amy_channel, "Hi Amy").await;

    let responses = each_role(&w, |c| async move { c.get("/v1/client-activity").await }).await;
    check(
        &w,
        "listing client activity",
        [200, 200, 200, 200, 200, 403, 403, 401],
        responses.clone(),
    );
    for (role, status, body) in responses {
        if status != 200 {
            continue;
        }
        let channels: Vec<&str> = body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["channelId"].as_str().unwrap())
            .collect();
        let (sees_ann, sees_bob) = match role {
            "staff, limited to Acme" => (true, false),
            "staff, limited to Globex" => (false, true),
            _ => (true, true),
        };
        assert_eq!(
            channels.contains(&w.ann_channel.as_str()),
            sees_ann,
            "{role}: {body}"
        );
        assert_eq!(
            channels.contains(&w.bob_channel.as_str()),
            sees_bob,
            "{role}: {body}"
        );
        assert!(
            !channels.contains(&w.amy_channel.as_str()),
            "{role}: only client messages: {body}"
        );
        if sees_ann && sees_bob {
            assert_eq!(channels[0], w.bob_channel, "{role}: newest first: {body}");
        }
        let ann_entry = body["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["channelId"] == w.ann_channel.as_str());
        if let Some(entry) = ann_entry {
            assert_eq!(entry["messageId"], newest.as_str(), "{role}");
            assert_eq!(entry["text"], "Second question", "{role}");
            assert_eq!(entry["senderName"], "Ann Client", "{role}");
            assert_eq!(entry["unreadCount"], 2, "{role}: nobody read them yet");
        }
    }

    // Reading is per person: the owner's read leaves a colleague's count alone.
    w.app
        .admin
        .post(
            &format!("/v1/message-channels/{}/read", w.ann_channel),
            json!({}),
        )
        .await;
    let unread_for = |body: &Value| {
        body["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["channelId"] == w.ann_channel.as_str())
            .map(|a| a["unreadCount"].clone())
    };
    let admin = w.app.admin.get("/v1/client-activity").await.body;
    assert_eq!(unread_for(&admin), Some(json!(0)));
    let colleague = &w.roles[2].1;
    let theirs = colleague.get("/v1/client-activity").await.body;
    assert_eq!(unread_for(&theirs), Some(json!(2)));
}

/// A realtime socket starts from every channel its user may see, found by
/// `visible_ids`: a second form of the visibility rule, for speed. It must
/// agree with the rule as each single channel is checked.
#[tokio::test]
async fn a_socket_starts_with_exactly_the_channels_each_role_may_see() {
    use parlor::authz::Scope;
    use parlor::storage::channels::{visible, visible_ids};

    let w = World::build().await;
    let globex = w.bob["companyId"].as_str().unwrap();
    let (staff_acme, _) = w.app.staff(Some(&[&w.acme])).await;
    let (staff_globex, _) = w.app.staff(Some(&[globex])).await;
    let (ann, bob) = (w.ann_id(), w.bob["id"].as_str().unwrap());
    let acme_channels = [
        &w.ann_channel,
        &w.amy_channel,
        &w.acme_group,
        &w.acme_channel,
    ];
    let cases = [
        (
            "admin",
            Scope::All,
            vec![
                &w.ann_channel,
                &w.amy_channel,
                &w.bob_channel,
                &w.acme_group,
                &w.acme_channel,
            ],
        ),
        (
            "staff limited to Acme",
            Scope::Staff(staff_acme),
            acme_channels.to_vec(),
        ),
        (
            "staff limited to Globex",
            Scope::Staff(staff_globex),
            vec![&w.bob_channel],
        ),
        (
            "client Ann of Acme",
            Scope::Client(ann.into()),
            vec![&w.ann_channel, &w.acme_group, &w.acme_channel],
        ),
        (
            "client Bob of Globex",
            Scope::Client(bob.into()),
            vec![&w.bob_channel],
        ),
    ];

    let mut conn = w.app.ctx.store.reader().await.unwrap();
    let every_channel = visible_ids(&mut conn, &Scope::All).await.unwrap();
    for (role, scope, expected) in cases {
        let mut found = visible_ids(&mut conn, &scope).await.unwrap();
        found.sort();
        let mut by_rule = Vec::new();
        for id in &every_channel {
            if visible(&mut conn, &scope, id).await.unwrap().is_some() {
                by_rule.push(id.clone());
            }
        }
        by_rule.sort();
        let mut expected: Vec<String> = expected.into_iter().cloned().collect();
        expected.sort();
        assert_eq!(found, expected, "the channels {role} starts with");
        assert_eq!(found, by_rule, "{role}: visible_ids and the rule disagree");
    }
}

/// What only staff may read about a person: how to reach them, their
/// standing, and (for staff) what they may see.
const PRIVATE_FIELDS: [&str; 10] = [
    "email",
    "role",
    "isClientAccessLimited",
    "companyAccessList",
    "status",
    "inviteUrl",
    "firstLoginDate",
    "lastLoginDate",
    "companyId",
    "companyIds",
];

fn private_fields_of(person: &Value) -> Vec<&'static str> {
    PRIVATE_FIELDS
        .into_iter()
        .filter(|field| person.get(*field).is_some_and(|v| !v.is_null()))
        .collect()
}

fn assert_public_face(person: &Value, context: &str) {
    assert_eq!(
        private_fields_of(person),
        Vec::<&str>::new(),
        "{context}: only the public face may show: {person}"
    );
    for field in ["id", "givenName", "familyName", "fallbackColor"] {
        assert!(person[field].is_string(), "{context}: {field} in {person}");
    }
}

#[tokio::test]
async fn clients_see_only_the_public_face_of_staff() {
    let w = World::build().await;
    let listed = crate::helpers::collect_pages(&w.app.admin, "/v1/internal-users").await;
    assert!(!listed.is_empty());
    let limited = listed
        .iter()
        .find(|u| u["isClientAccessLimited"] == true)
        .expect("a limited staff member")["id"]
        .as_str()
        .unwrap()
        .to_string();

    for (role, caller) in &w.roles[..7] {
        let seen = crate::helpers::collect_pages(caller, "/v1/internal-users").await;
        assert_eq!(seen.len(), listed.len(), "{role} lists the whole team");
        let one = caller.get(&format!("/v1/internal-users/{limited}")).await;
        assert_eq!(one.status, 200, "{role}: {}", one.body);
        let is_client = role.starts_with("client");
        for person in seen.iter().chain([&one.body]) {
            if is_client {
                assert_public_face(person, &format!("staff as {role} sees them"));
            } else {
                assert!(person["email"].is_string(), "{role}: {person}");
                assert!(person["role"].is_string(), "{role}: {person}");
                assert!(person["companyAccessList"].is_array(), "{role}: {person}");
            }
        }
    }
}

#[tokio::test]
async fn clients_see_only_the_names_of_other_clients_they_share_a_company_or_channel_with() {
    let w = World::build().await;
    let (_, ann) = &w.roles[5];
    let (ann_id, amy_id) = (w.ann_id(), w.amy["id"].as_str().unwrap());
    // Ann has signed in; Amy's record has a status and login dates to hide.
    w.app.client_session(&w.amy).await;

    let listed = crate::helpers::collect_pages(ann, "/v1/clients").await;
    let own = listed.iter().find(|c| c["id"] == ann_id).expect("herself");
    assert!(
        own["email"].is_string() && own["status"] == "active",
        "{own}"
    );
    assert!(own["inviteUrl"].is_null(), "{own}");
    let amy = listed.iter().find(|c| c["id"] == amy_id).expect("Amy");
    assert_public_face(amy, "Amy in Ann's list");
    assert_eq!(amy["givenName"], "Amy");
    let one = ann.get(&format!("/v1/clients/{amy_id}")).await;
    assert_eq!(one.status, 200, "{}", one.body);
    assert_public_face(&one.body, "Amy read by Ann");
    let by_email = ann
        .get(&format!(
            "/v1/clients?email={}",
            w.amy["email"].as_str().unwrap()
        ))
        .await;
    assert_eq!(
        by_email.body["data"].as_array().map(Vec::len),
        Some(0),
        "a client cannot find others by their e-mail: {}",
        by_email.body
    );

    // Amy moves to Globex but stays in the Acme group with Ann: Ann still
    // sees her name there, and nothing more.
    let globex = w.bob["companyId"].as_str().unwrap();
    let moved = w
        .app
        .admin
        .patch(
            &format!("/v1/clients/{amy_id}"),
            json!({ "companyIds": [globex] }),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    let group = ann
        .get(&format!("/v1/message-channels/{}", w.acme_group))
        .await;
    assert!(
        group.body["memberIds"]
            .as_array()
            .unwrap()
            .contains(&json!(amy_id)),
        "{}",
        group.body
    );
    let one = ann.get(&format!("/v1/clients/{amy_id}")).await;
    assert_eq!(one.status, 200, "a group member's name: {}", one.body);
    assert_public_face(&one.body, "Amy, only in a group with Ann");
    // Bob shares nothing with Ann.
    let bob = ann
        .get(&format!("/v1/clients/{}", w.bob["id"].as_str().unwrap()))
        .await;
    bob.assert_error(404, "Bob as seen by Ann");
}

#[tokio::test]
async fn only_admins_get_invite_links_and_only_when_creating_or_reinviting() {
    let w = World::build().await;
    let (staff_full, staff_acme) = (&w.roles[2].1, &w.roles[3].1);
    let new_client = |name: &str| {
        json!({
            "givenName": name, "familyName": "New", "companyId": w.acme,
            "email": format!("{}.{}@example.com", name.to_lowercase(), uuid::Uuid::new_v4().simple()),
        })
    };

    let created = w.app.admin.post("/v1/clients", new_client("Cal")).await;
    assert!(
        created.body["inviteUrl"].is_string(),
        "the admin who creates a client gets the link: {}",
        created.body
    );
    let id = created.id();
    let path = format!("/v1/clients/{id}");
    for (role, caller) in &w.roles[..4] {
        let read = caller.get(&path).await;
        assert_eq!(read.status, 200, "{role}: {}", read.body);
        assert!(
            read.body.get("inviteUrl").is_none_or(Value::is_null),
            "{role} reading a client gets no link: {}",
            read.body
        );
        let listed = crate::helpers::collect_pages(caller, "/v1/clients").await;
        assert!(
            listed.iter().all(|c| c["inviteUrl"].is_null()),
            "{role} listing clients gets no links"
        );
    }
    let renamed = w
        .app
        .admin
        .patch(&path, json!({ "familyName": "Renamed" }))
        .await;
    assert!(renamed.body["inviteUrl"].is_null(), "{}", renamed.body);
    let reinvited = w
        .app
        .admin
        .patch(&format!("{path}?sendInvite=true"), json!({}))
        .await;
    assert_eq!(reinvited.body["status"], "invited");
    assert!(
        reinvited.body["inviteUrl"].is_string(),
        "{}",
        reinvited.body
    );

    for (role, staff) in [
        ("staff, full access", staff_full),
        ("staff, limited to Acme", staff_acme),
    ] {
        let created = staff.post("/v1/clients", new_client("Dee")).await;
        assert_eq!(created.status, 200, "{role}: {}", created.body);
        assert!(
            created.body["inviteUrl"].is_null(),
            "{role}: {}",
            created.body
        );
        let reinvited = staff
            .patch(
                &format!("/v1/clients/{}?sendInvite=true", created.id()),
                json!({}),
            )
            .await;
        assert_eq!(
            reinvited.status, 200,
            "{role} may still send the invitation e-mail"
        );
        assert_eq!(reinvited.body["status"], "invited");
        assert!(
            reinvited.body["inviteUrl"].is_null(),
            "{role}: {}",
            reinvited.body
        );
    }
}

#[tokio::test]
async fn limited_staff_cannot_act_on_companies_outside_their_list() {
    let w = World::build().await;
    let staff_acme = &w.roles[3].1;
    let globex = w.bob["companyId"].as_str().unwrap().to_string();
    let both = w
        .app
        .admin
        .post(
            "/v1/clients",
            json!({ "givenName": "Bea", "familyName": "Both", "email": "bea.both@example.com",
                    "companyIds": [w.acme, globex] }),
        )
        .await;
    assert_eq!(both.status, 200, "{}", both.body);
    let path = format!("/v1/clients/{}", both.id());

    staff_acme
        .patch(&path, json!({ "companyIds": [w.acme] }))
        .await
        .assert_error(403, "taking Bea out of Globex as staff limited to Acme");
    staff_acme
        .patch(&path, json!({ "companyId": w.acme }))
        .await
        .assert_error(403, "the deprecated companyId, the same");
    staff_acme
        .delete(&path)
        .await
        .assert_error(403, "deleting Bea, who is also of Globex");
    let still = w.app.admin.get(&path).await;
    assert_eq!(still.status, 200);
    assert_eq!(
        still.body["companyIds"],
        json!([w.acme, globex]),
        "nothing changed"
    );

    // Within their list they still work: a rename, and Acme's own clients.
    let renamed = staff_acme
        .patch(&path, json!({ "familyName": "Both-Renamed" }))
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.body);
    let amy = format!("/v1/clients/{}", w.amy["id"].as_str().unwrap());
    assert_eq!(staff_acme.delete(&amy).await.status, 200);

    let rename = staff_acme
        .patch(
            &format!("/v1/companies/{globex}"),
            json!({ "name": "Taken Over" }),
        )
        .await;
    assert!(
        rename.status == 403 || rename.status == 404,
        "renaming Globex as staff limited to Acme: {} {}",
        rename.status,
        rename.body
    );
    let globex_now = w.app.admin.get(&format!("/v1/companies/{globex}")).await;
    assert_ne!(globex_now.body["name"], "Taken Over");
}
