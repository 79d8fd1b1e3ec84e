//! The order consumers run in within one dispatch round: a consumer that reads what another
//! writes for the same event ([`crate::EventHandler::runs_after`]) runs in a later stage; the
//! consumers of one stage are independent and run at once.

/// Stages of `consumers` (names with the names they run after), each a list of indices into
/// `consumers` in registration order. A dependency on an unregistered consumer is ignored; a
/// cycle (a programming error) puts the rest in one last stage rather than losing consumers.
pub fn stages(consumers: &[(&str, &[&str])]) -> Vec<Vec<usize>> {
    let mut stage_of: Vec<Option<usize>> = vec![None; consumers.len()];
    let mut out: Vec<Vec<usize>> = Vec::new();
    while stage_of.iter().any(Option::is_none) {
        let current = out.len();
        let ready: Vec<usize> = (0..consumers.len())
            .filter(|&i| stage_of[i].is_none())
            .filter(|&i| {
                consumers[i].1.iter().all(|dep| {
                    consumers
                        .iter()
                        .enumerate()
                        .filter(|(_, (name, _))| name == dep)
                        .all(|(j, _)| stage_of[j].is_some_and(|s| s < current))
                })
            })
            .collect();
        let ready =
            if ready.is_empty() { (0..consumers.len()).filter(|&i| stage_of[i].is_none()).collect() } else { ready };
        for &i in &ready {
            stage_of[i] = Some(current);
        }
        out.push(ready);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::stages;

    #[test]
    fn given_independent_consumers_then_one_stage_in_registration_order() {
        assert_eq!(stages(&[("a", &[]), ("b", &[]), ("c", &[])]), vec![vec![0, 1, 2]]);
        assert!(stages(&[]).is_empty());
    }

    #[test]
    fn given_a_consumer_reading_another_then_it_runs_in_a_later_stage() {
        let consumers: [(&str, &[&str]); 4] =
            [("notifier", &["linker"]), ("alarms", &[]), ("linker", &[]), ("after_notifier", &["notifier", "alarms"])];
        assert_eq!(stages(&consumers), vec![vec![1, 2], vec![0], vec![3]]);
    }

    #[test]
    fn given_an_unregistered_dependency_or_a_cycle_then_every_consumer_still_runs() {
        assert_eq!(stages(&[("a", &["missing"]), ("b", &[])]), vec![vec![0, 1]]);
        assert_eq!(stages(&[("a", &["b"]), ("b", &["a"]), ("c", &[])]), vec![vec![2], vec![0, 1]]);
    }
}
