//! Who may connect: a global cap on open connections and a per-IP token bucket of new
//! connections per second. Pure (the caller passes the time) so that it is tested without sleeping.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Instant;

/// Why a connection was refused at accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The global connection cap is reached.
    Full,
    /// This IP opened too many connections in the last second.
    RateLimited,
}

impl Refusal {
    /// Label for logs and metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Full => "full",
            Self::RateLimited => "rate_limited",
        }
    }
}

/// The admission state of one gateway.
#[derive(Debug)]
pub struct Admission {
    cap: usize,
    rate: f64,
    open: usize,
    buckets: HashMap<IpAddr, (f64, Instant)>,
}

/// Buckets kept before idle full ones are forgotten.
const BUCKETS_BEFORE_SWEEP: usize = 4096;

impl Admission {
    /// At most `cap` open connections, `per_second` new ones per IP per second.
    pub fn new(cap: usize, per_second: u32) -> Self {
        Self { cap, rate: f64::from(per_second.max(1)), open: 0, buckets: HashMap::new() }
    }

    /// Admits (and counts) a connection from `ip` at `now`, or says why not.
    pub fn admit(&mut self, ip: IpAddr, now: Instant) -> Result<(), Refusal> {
        if self.open >= self.cap {
            return Err(Refusal::Full);
        }
        if self.buckets.len() >= BUCKETS_BEFORE_SWEEP {
            let rate = self.rate;
            self.buckets
                .retain(|_, (tokens, at)| *tokens + now.saturating_duration_since(*at).as_secs_f64() * rate < rate);
        }
        let rate = self.rate;
        let (tokens, at) = self.buckets.entry(ip).or_insert((rate, now));
        *tokens = (*tokens + now.saturating_duration_since(*at).as_secs_f64() * rate).min(rate);
        *at = now;
        if *tokens < 1.0 {
            return Err(Refusal::RateLimited);
        }
        *tokens -= 1.0;
        self.open += 1;
        Ok(())
    }

    /// A connection admitted earlier closed.
    pub fn closed(&mut self) {
        self.open = self.open.saturating_sub(1);
    }

    /// Connections open.
    pub fn open(&self) -> usize {
        self.open
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn given_the_cap_then_further_connections_are_refused_until_one_closes() {
        let mut a = Admission::new(2, 100);
        let (ip, now) = (IpAddr::from([10, 0, 0, 1]), Instant::now());
        assert_eq!((a.admit(ip, now), a.admit(ip, now), a.admit(ip, now)), (Ok(()), Ok(()), Err(Refusal::Full)));
        a.closed();
        assert_eq!((a.admit(ip, now), a.open()), (Ok(()), 2));
    }

    #[test]
    fn given_a_burst_from_one_ip_then_it_is_limited_while_another_ip_is_not_and_tokens_come_back() {
        let mut a = Admission::new(1000, 3);
        let (one, two, now) = (IpAddr::from([10, 0, 0, 1]), IpAddr::from([10, 0, 0, 2]), Instant::now());
        let burst: Vec<_> = (0..4).map(|_| a.admit(one, now)).collect();
        assert_eq!(burst, vec![Ok(()), Ok(()), Ok(()), Err(Refusal::RateLimited)]);
        assert_eq!(a.admit(two, now), Ok(()));
        assert_eq!(a.admit(one, now + Duration::from_millis(400)), Ok(()), "one token back after 1/3 s");
        assert_eq!(a.admit(one, now + Duration::from_millis(400)), Err(Refusal::RateLimited));
    }
}
