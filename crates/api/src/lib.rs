//! One API for the desktop app and the CLI (GitButler's `but-api` is the model): the registry
//! of playbooks, the session that drives them for the app (home screen, the playbook on screen,
//! the shared sign-in, links, saved state, jobs, reports), and the system side effects both
//! faces run jobs with. The CLI runs each playbook's typed operations (`ops` in each playbook
//! crate) through [`system::job_env`], the app runs the same operations through
//! [`session::Session::prepare`]: one implementation, two faces.

pub mod diagnostics;
mod language;
pub mod registry;
pub mod session;
pub mod state;
pub mod system;
pub mod view;

pub use reconnect_engine as engine;
pub use reconnect_gainsight as gainsight;
pub use reconnect_hardening as hardening;
pub use reconnect_readiness as readiness;
pub use reconnect_zendesk as zendesk;
