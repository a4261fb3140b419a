//! Colleagues who have the same conversation open, as their `viewing`
//! frames say. Each is forgotten when they say they left, or when not heard
//! from for a while: a node that went away says nothing, and an open
//! conversation repeats itself every 20 seconds.

/// How long a colleague stays "also here" without saying so again.
pub const FORGET_AFTER_MS: f64 = 45_000.0;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lookers(Vec<Looker>);

#[derive(Clone, Debug, PartialEq)]
struct Looker {
    user_id: String,
    heard_at: f64,
}

impl Lookers {
    /// `user_id` said, at `now`, that they have the conversation open;
    /// whether they were not here before (they should hear that we are).
    pub fn heard(&mut self, user_id: &str, now: f64) -> bool {
        match self.0.iter_mut().find(|l| l.user_id == user_id) {
            Some(looker) => {
                looker.heard_at = now;
                false
            }
            None => {
                self.0.push(Looker {
                    user_id: user_id.to_string(),
                    heard_at: now,
                });
                true
            }
        }
    }

    pub fn left(&mut self, user_id: &str) {
        self.0.retain(|l| l.user_id != user_id);
    }

    /// Forgets those not heard from for `FORGET_AFTER_MS` before `now`.
    pub fn forget_silent(&mut self, now: f64) {
        self.0.retain(|l| now - l.heard_at < FORGET_AFTER_MS);
    }

    /// "Ann is also here", "Ann and Bo are also here", "Ann, Bo and Cy are
    /// also here"; nothing when no one is. `name_of` names a colleague.
    pub fn line(&self, name_of: impl Fn(&str) -> Option<String>) -> Option<String> {
        let names: Vec<String> = self
            .0
            .iter()
            .map(|l| name_of(&l.user_id).unwrap_or_else(|| "A colleague".into()))
            .collect();
        match names.as_slice() {
            [] => None,
            [one] => Some(format!("{one} is also here")),
            [first @ .., last] => Some(format!("{} and {last} are also here", first.join(", "))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(id: &str) -> Option<String> {
        match id {
            "u1" => Some("Ann".into()),
            "u2" => Some("Bo".into()),
            "u3" => Some("Cy".into()),
            _ => None,
        }
    }

    #[test]
    fn a_newcomer_is_new_once_and_named_in_the_line() {
        let mut lookers = Lookers::default();
        assert_eq!(lookers.line(name), None);
        assert!(lookers.heard("u1", 0.0));
        assert!(!lookers.heard("u1", 20_000.0), "heard again is not new");
        assert_eq!(lookers.line(name).as_deref(), Some("Ann is also here"));
        lookers.heard("u2", 1.0);
        assert_eq!(
            lookers.line(name).as_deref(),
            Some("Ann and Bo are also here")
        );
        lookers.heard("u3", 2.0);
        lookers.heard("u9", 3.0);
        assert_eq!(
            lookers.line(name).as_deref(),
            Some("Ann, Bo, Cy and A colleague are also here")
        );
    }

    #[test]
    fn those_who_left_or_went_silent_are_forgotten() {
        let mut lookers = Lookers::default();
        lookers.heard("u1", 0.0);
        lookers.heard("u2", 0.0);
        lookers.left("u1");
        assert_eq!(lookers.line(name).as_deref(), Some("Bo is also here"));
        lookers.heard("u2", 30_000.0);
        lookers.forget_silent(FORGET_AFTER_MS + 1.0);
        assert_eq!(
            lookers.line(name).as_deref(),
            Some("Bo is also here"),
            "heard again within the time"
        );
        lookers.forget_silent(30_000.0 + FORGET_AFTER_MS);
        assert_eq!(lookers.line(name), None);
    }
}
