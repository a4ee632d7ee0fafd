//! Points in time as authctl computes, stores and shows them: `UnixTime`, seconds since
//! the Unix epoch. Fractional, because a JWT `exp` may be `1710223631.577478` and must be
//! kept exactly; always finite and after the epoch, so no arithmetic on it can produce
//! NaN or a date before 1970. `Clock` is the seam through which the lifecycle asks the
//! time, so its decisions can be tested at any moment.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// Seconds since 1970-01-01T00:00:00Z; finite and positive.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct UnixTime(f64);

/// The latest time authctl accepts anywhere: 9999-12-31, the end of RFC 3339.
const LATEST: f64 = 253_402_300_799.0;

impl UnixTime {
    pub fn now() -> UnixTime {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(1.0, |d| d.as_secs_f64());
        UnixTime(secs.max(1.0))
    }

    /// `None` unless `secs` is a finite time between the epoch and the year 9999.
    pub fn from_secs(secs: f64) -> Option<UnixTime> {
        (secs.is_finite() && secs > 0.0 && secs <= LATEST).then_some(UnixTime(secs))
    }

    pub fn secs(self) -> f64 {
        self.0
    }

    /// Whole seconds, for formatting.
    pub fn whole_secs(self) -> i64 {
        self.0.floor() as i64
    }

    /// `self + d`, or `None` past the year 9999.
    pub fn after(self, d: Duration) -> Option<UnixTime> {
        UnixTime::from_secs(self.0 + d.as_secs_f64())
    }

    /// How long from `self` until `later`; `None` when `later` is not after `self`.
    pub fn until(self, later: UnixTime) -> Option<Duration> {
        (later.0 > self.0).then(|| Duration::from_secs_f64(later.0 - self.0))
    }

    /// Signed seconds from `self` to `later` (negative once `later` has passed).
    pub fn secs_until(self, later: UnixTime) -> f64 {
        later.0 - self.0
    }
}

impl TryFrom<f64> for UnixTime {
    type Error = String;

    fn try_from(secs: f64) -> Result<Self, Self::Error> {
        UnixTime::from_secs(secs).ok_or_else(|| format!("{secs} is not a time between 1970 and 9999"))
    }
}

impl From<UnixTime> for f64 {
    fn from(t: UnixTime) -> f64 {
        t.0
    }
}

/// Where the lifecycle gets the time from.
pub trait Clock {
    fn now(&self) -> UnixTime;
}

/// The system clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> UnixTime {
        UnixTime::now()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_finite_times_after_the_epoch_exist() {
        assert!(UnixTime::from_secs(f64::INFINITY).is_none());
        assert!(UnixTime::from_secs(f64::NAN).is_none());
        assert!(UnixTime::from_secs(0.0).is_none());
        assert!(UnixTime::from_secs(-5.0).is_none());
        assert!(UnixTime::from_secs(1e300).is_none());
        assert_eq!(
            UnixTime::from_secs(1710223631.577478).unwrap().secs(),
            1710223631.577478
        );
    }

    #[test]
    fn a_fractional_time_survives_json_exactly() {
        let t = UnixTime::from_secs(1710223631.577478).unwrap();
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(serde_json::from_str::<UnixTime>(&json).unwrap(), t);
        assert!(serde_json::from_str::<UnixTime>("-1").is_err());
    }

    #[test]
    fn until_is_none_once_passed() {
        let a = UnixTime::from_secs(100.0).unwrap();
        let b = UnixTime::from_secs(160.0).unwrap();
        assert_eq!(a.until(b), Some(Duration::from_secs(60)));
        assert_eq!(b.until(a), None);
        assert_eq!(b.secs_until(a), -60.0);
    }
}
