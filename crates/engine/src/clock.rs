//! The clock behind a trait, so journal entries, polling deadlines and "used since" checks can
//! be tested without waiting.

use crate::timestamp::{format_ms, now_ms};

/// Tells the time.
pub trait Clock: Send + Sync {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> i64;

    /// Now, as Salesforce writes datetimes.
    fn now_text(&self) -> String {
        format_ms(self.now_ms())
    }
}

/// The operating system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        now_ms()
    }
}
