//! What every handler can reach: the store, the clock, the keys, the policy table and, in
//! sandbox mode, the simulated channels.

use std::ops::Deref;
use std::sync::Arc;

use shebao_core::policy::PolicyTable;
use tokio::sync::watch;

use crate::channels::ChannelKeys;
use crate::clock::Clock;
use crate::keys::GatewayKeys;
use crate::limits::Limiter;
use crate::metrics::Metrics;
use crate::sandbox::cashier::SandboxChannels;
use crate::store::Store;

#[derive(Clone)]
pub struct AppState(pub Arc<Inner>);

pub struct Inner {
    pub store: Store,
    pub clock: Clock,
    pub sandbox: bool,
    pub keys: GatewayKeys,
    /// The origin written into certificate QR texts (`http://127.0.0.1:PORT` in sandbox mode
    /// unless configured).
    pub verify_origin: String,
    /// The issuing tax office (税务机关) printed on new certificates.
    pub tax_office: String,
    pub channel_keys: ChannelKeys,
    pub policy: PolicyTable,
    /// The social insurance agency (经办机构) registrations are made with.
    pub agency: String,
    /// Seconds from an assessment to the end of its transmission (传输) to the tax side.
    pub transmission_delay: i64,
    /// The simulated payment channels; present only in sandbox mode (a gateway outside it
    /// has no channel clients yet, so it opens no attempts).
    pub channels: Option<SandboxChannels>,
    /// Becomes true when the gateway shuts down, so long polls return early.
    pub stopped: watch::Receiver<bool>,
    /// Rate limits, lockout and session lifetime, with the pepper of document-number scopes.
    pub limiter: Limiter,
    /// This gateway's Prometheus registry.
    pub metrics: Metrics,
}

impl Deref for AppState {
    type Target = Inner;

    fn deref(&self) -> &Inner {
        &self.0
    }
}
