//! Who sees a channel is decided by SQL for lists and reads, and by the
//! in-memory rule (`authz::Viewer::sees`) for live sockets whose channels
//! change under them. On generated companies, clients, channels and staff
//! access lists, moved around while sockets are open, every door must agree
//! for every viewer: the channel list, reading each channel, live events,
//! and the replay of a resuming socket.

use std::collections::{BTreeMap, BTreeSet};

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::json;

use crate::helpers::{collect_pages, ids, Caller, Socket, TestApp};

const COMPANIES: usize = 3;
const CLIENTS: usize = 6;
const LIMITED_STAFF: usize = 3;

struct World {
    app: TestApp,
    companies: Vec<String>,
    /// Each client and the companies it belongs to now.
    clients: Vec<(String, Vec<String>)>,
    channels: Vec<String>,
    /// The companies that have a company channel (one each at most).
    company_channels: BTreeSet<String>,
    viewers: Vec<(String, Caller)>,
}

/// A random, non-empty subset of `items` of at most `most` elements.
fn some_of(rng: &mut StdRng, items: &[String], most: usize) -> Vec<String> {
    let count = rng.gen_range(1..=most.min(items.len()));
    items.choose_multiple(rng, count).cloned().collect()
}

impl World {
    async fn generate(rng: &mut StdRng) -> World {
        let app = TestApp::spawn().await;
        let mut companies = Vec::new();
        for n in 0..COMPANIES {
            companies.push(app.create_company(&format!("Company {n}")).await);
        }
        let mut clients = Vec::new();
        let mut viewers = Vec::new();
        for n in 0..CLIENTS {
            let of = some_of(rng, &companies, 2);
            let client = app.create_client(&format!("Client{n}"), Some(&of[0])).await;
            let id = client["id"].as_str().unwrap().to_string();
            if of.len() > 1 {
                let moved = app
                    .admin
                    .patch(&format!("/v1/clients/{id}"), json!({ "companyIds": of }))
                    .await;
                assert_eq!(moved.status, 200, "{}", moved.body);
            }
            viewers.push((
                format!("client {n} of {of:?}"),
                app.client_session(&client).await,
            ));
            clients.push((id, of));
        }
        viewers.push(("admin key".into(), app.admin.clone()));
        viewers.push(("staff, full access".into(), app.staff(None).await.1));
        for _ in 0..LIMITED_STAFF {
            let list: Vec<String> = companies
                .iter()
                .filter(|_| rng.gen_bool(0.4))
                .cloned()
                .collect();
            let refs: Vec<&str> = list.iter().map(String::as_str).collect();
            viewers.push((
                format!("staff limited to {list:?}"),
                app.staff(Some(&refs)).await.1,
            ));
        }
        let channels = ids(&collect_pages(&app.admin, "/v1/message-channels").await);
        let mut world = World {
            app,
            companies,
            clients,
            channels,
            company_channels: BTreeSet::new(),
            viewers,
        };
        world.add_channels(rng).await;
        world
    }

    /// Company channels for some companies, and a group for each company
    /// with two clients or more.
    async fn add_channels(&mut self, rng: &mut StdRng) {
        for company in self.companies.clone() {
            if !self.company_channels.contains(&company) && rng.gen_bool(0.6) {
                let created = self
                    .app
                    .admin
                    .post(
                        "/v1/message-channels",
                        json!({ "membershipType": "company", "companyId": company }),
                    )
                    .await;
                assert_eq!(created.status, 200, "{}", created.body);
                self.channels.push(created.id());
                self.company_channels.insert(company.clone());
            }
            let members: Vec<String> = self
                .clients
                .iter()
                .filter(|(_, of)| of.contains(&company))
                .map(|(id, _)| id.clone())
                .collect();
            if members.len() >= 2 {
                let group = some_of(rng, &members, members.len());
                if group.len() < 2 {
                    continue;
                }
                let created = self
                    .app
                    .admin
                    .post(
                        "/v1/message-channels",
                        json!({ "membershipType": "group", "memberIds": group, "companyId": company }),
                    )
                    .await;
                assert_eq!(created.status, 200, "{}", created.body);
                self.channels.push(created.id());
            }
        }
    }

    /// Moves some clients between companies, changing who sees their
    /// individual channels and who belongs to company channels.
    async fn move_clients(&mut self, rng: &mut StdRng) {
        for (id, of) in self.clients.iter_mut() {
            if !rng.gen_bool(0.5) {
                continue;
            }
            let now = some_of(rng, &self.companies, 2);
            let moved = self
                .app
                .admin
                .patch(&format!("/v1/clients/{id}"), json!({ "companyIds": now }))
                .await;
            assert_eq!(moved.status, 200, "{}", moved.body);
            *of = now;
        }
    }
}

/// The channels a viewer lists, and those whose messages it may read: the
/// SQL doors, which must agree with each other.
async fn listed_and_readable(world: &World, name: &str, viewer: &Caller) -> BTreeSet<String> {
    let listed: BTreeSet<String> = ids(&collect_pages(viewer, "/v1/message-channels").await)
        .into_iter()
        .collect();
    for channel in &world.channels {
        let read = viewer
            .get(&format!("/v1/messages?channelId={channel}"))
            .await;
        let one = viewer.get(&format!("/v1/message-channels/{channel}")).await;
        let expected = if listed.contains(channel) { 200 } else { 404 };
        assert_eq!(
            read.status, expected,
            "{name} reading messages of {channel}: {}",
            read.body
        );
        assert_eq!(
            one.status, expected,
            "{name} reading channel {channel}: {}",
            one.body
        );
    }
    listed
}

/// The channels of the probe messages a socket received, up to and
/// including the message `until`.
async fn probed_channels(
    socket: &mut Socket,
    probes: &BTreeMap<String, String>,
    until: &str,
) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    loop {
        let frame = socket.next_where(|f| f["type"] == "message.created").await;
        let id = frame["data"]["id"].as_str().unwrap();
        if let Some(channel) = probes.get(id) {
            seen.insert(channel.clone());
        }
        if id == until {
            return seen;
        }
    }
}

async fn every_door_agrees(seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut world = World::generate(&mut rng).await;

    let mut live = Vec::new();
    for (_, viewer) in &world.viewers {
        live.push(viewer.ready_socket(None).await);
    }
    world.move_clients(&mut rng).await;
    world.add_channels(&mut rng).await;

    // One probe message in every channel, then, for each viewer that lists
    // a channel, a last message in one of them: events arrive in log order,
    // so once a socket has it, it has every probe it will ever get.
    let mut probes = BTreeMap::new();
    for channel in &world.channels {
        let sent = world.app.admin.send_message(channel, "probe").await;
        assert_eq!(sent.status, 200, "{}", sent.body);
        probes.insert(sent.id(), channel.clone());
    }
    let mut expected = Vec::new();
    let mut last = Vec::new();
    for (name, viewer) in &world.viewers {
        let listed = listed_and_readable(&world, name, viewer).await;
        last.push(match listed.first() {
            Some(channel) => Some(world.app.admin.send_message(channel, "last").await.id()),
            None => None,
        });
        expected.push(listed);
    }

    for (n, ((name, viewer), (mut socket, ready))) in world.viewers.iter().zip(live).enumerate() {
        let context = format!("seed {seed}, {name}");
        if let Some(until) = &last[n] {
            let live = probed_channels(&mut socket, &probes, until).await;
            assert_eq!(
                live, expected[n],
                "{context}: live events against the channel list"
            );
        }
        let mut resumed = viewer.socket(Some(ready["cursor"].as_str().unwrap())).await;
        let mut replayed = BTreeSet::new();
        loop {
            let frame = resumed
                .next_where(|f| f["type"] == "message.created" || f["type"] == "ready")
                .await;
            if frame["type"] == "ready" {
                break;
            }
            if let Some(channel) = probes.get(frame["data"]["id"].as_str().unwrap()) {
                replayed.insert(channel.clone());
            }
        }
        assert_eq!(
            replayed, expected[n],
            "{context}: replay against the channel list"
        );
    }
}

#[tokio::test]
async fn every_door_agrees_on_who_sees_each_channel_of_generated_workspaces() {
    let seeds: Vec<u64> = match std::env::var("PARLOR_TEST_SEED") {
        Ok(seed) => vec![seed.parse().expect("PARLOR_TEST_SEED is a number")],
        Err(_) => (0..2).map(|_| rand::random()).collect(),
    };
    for seed in seeds {
        every_door_agrees(seed).await;
    }
}
