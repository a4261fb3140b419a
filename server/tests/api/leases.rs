//! Named leases: one node at a time does housekeeping.

use parlor::storage::{leases, now_ms};

use crate::helpers::TestApp;

#[tokio::test]
async fn a_lease_is_held_by_one_node_until_it_lapses() {
    let app = TestApp::spawn().await;
    let store = &app.ctx.store;
    let now = now_ms();
    let take_named = |name: &'static str, holder: &'static str, at: i64| async move {
        let mut tx = store.begin().await.unwrap();
        let held = leases::take(&mut tx, name, holder, at, at + 60_000)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        held
    };
    let take = |holder: &'static str, at: i64| take_named("a chore", holder, at);
    // A probe whose lease would already have lapsed: it cannot keep the
    // server's housekeeping from taking the lease, if it got there first.
    crate::helpers::eventually(
        "the running server takes the housekeeping lease when it starts",
        || async { !take_named("housekeeping", "a probe", now - 600_000).await },
    )
    .await;
    assert!(take("node a", now).await, "a free lease is taken");
    assert!(!take("node b", now + 1).await, "another node waits");
    assert!(take("node a", now + 2).await, "its holder renews it");
    assert!(
        !take("node b", now + 60_000).await,
        "the renewal moved its end"
    );
    assert!(
        take("node b", now + 62_003).await,
        "once it lapses, another node takes it"
    );
    assert!(!take("node a", now + 62_004).await, "and holds it alone");
}
