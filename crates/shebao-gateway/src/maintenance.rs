//! What an operator does to a gateway's database besides serving it: apply migrations, seed
//! the fictional people, list and revoke devices, refund a payment. The `shebao-gateway`
//! binary's `migrate`, `seed` and `admin` commands call these.

use chrono::NaiveDate;

use crate::clock::Clock;
use crate::sandbox::cashier::SandboxChannels;
use crate::store::{FindRefund, Store};
use crate::{Database, GatewayError, SandboxFaults, open_store, recovery, sandbox};

pub use crate::store::{Reconciliation, Revocation};

/// A device as `admin list-devices` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceStatus {
    pub id: String,
    /// Unix seconds.
    pub enrolled_at: i64,
    /// Unix seconds; set: its signed requests are refused with `device_revoked`.
    pub revoked_at: Option<i64>,
}

/// How `admin refund` ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refund {
    Refunded {
        order_id: String,
        ticket_number: String,
    },
    /// Asked for, not confirmed by the channel: the recovery job finishes it.
    Pending,
    NotFound,
    /// The order is not paid (or was refunded already).
    NotPaid,
}

/// An open connection to a gateway's database, for operator commands.
#[derive(Debug)]
pub struct Maintenance {
    store: Store,
}

impl Maintenance {
    /// Connects (a SQLite file and its folder are created when missing). Nothing is migrated.
    pub async fn open(database: &Database) -> Result<Self, GatewayError> {
        Ok(Self {
            store: open_store(database, Some(1)).await?,
        })
    }

    /// Applies the migrations not applied yet.
    pub async fn migrate(&self) -> Result<(), GatewayError> {
        Ok(self.store.migrate().await?)
    }

    /// Migrates, then adds the fictional people of the sandbox (a population register, some of
    /// them insured with a payable assessment for the period containing `today`; `None`: the
    /// date in UTC+8). Once only: false when they were added before.
    pub async fn seed(&self, today: Option<NaiveDate>) -> Result<bool, GatewayError> {
        self.migrate().await?;
        let clock = Clock::new(today);
        sandbox::seed::seed(&self.store, clock.today(), clock.now()).await
    }

    /// Migrates, then fills the load-test population (benchmarks) up to `size` people, each
    /// insured with a payable month; returns how many were added.
    pub async fn seed_population(
        &self,
        size: u32,
        today: Option<NaiveDate>,
    ) -> Result<u32, GatewayError> {
        self.migrate().await?;
        let clock = Clock::new(today);
        sandbox::seed::seed_population(&self.store, size, clock.today(), clock.now()).await
    }

    /// Sets the money the channels took against the payments kept and refunded (see
    /// [`Reconciliation`]); meant for after the recovery job has settled what was in flight.
    pub async fn reconcile(&self) -> Result<Reconciliation, GatewayError> {
        Ok(self.store.reconcile().await?)
    }

    /// Every enrolled device, oldest first.
    pub async fn devices(&self) -> Result<Vec<DeviceStatus>, GatewayError> {
        Ok(self
            .store
            .devices()
            .await?
            .into_iter()
            .map(|device| DeviceStatus {
                id: device.id,
                enrolled_at: device.created_at,
                revoked_at: device.revoked_at,
            })
            .collect())
    }

    /// Revokes a device: every gateway on this database refuses its signed requests from now
    /// on (the check reads the database on every request).
    pub async fn revoke_device(&self, device_id: &str) -> Result<Revocation, GatewayError> {
        let now = Clock::new(None).now();
        Ok(self.store.revoke_device(device_id, now).await?)
    }

    /// Refunds a paid payment for an approved refund application: the payment order (by its
    /// `ord_…` id or its ticket number) and the attempt that paid it become `refunded`, and
    /// so do the order's certificates. The money goes back through the payment's channel.
    pub async fn refund(
        &self,
        order_or_ticket: &str,
        reason: &str,
    ) -> Result<Refund, GatewayError> {
        let reason = crate::routes::process::void_reason(reason).ok_or(GatewayError::Argument(
            "--reason must be 1 to 200 characters on one line, without control characters \
             (the approved refund application)",
        ))?;
        let target = match self.store.find_refund(order_or_ticket).await? {
            FindRefund::Found(target) => target,
            FindRefund::NotFound => return Ok(Refund::NotFound),
            FindRefund::NotPaid => return Ok(Refund::NotPaid),
        };
        let clock = Clock::new(None);
        // LIMITATION: only the sandbox's simulated channels have a refund client; a
        // gateway outside sandbox mode cannot refund through a channel yet.
        if self
            .store
            .sandbox_order(&target.attempt.id)
            .await?
            .is_none()
        {
            return Err(GatewayError::Config(
                "this payment's channel has no refund client on this gateway",
            ));
        }
        let channels =
            SandboxChannels::load(&self.store, clock, "", SandboxFaults::default()).await?;
        if recovery::refund(
            &self.store,
            &channels,
            &target.attempt,
            Some(reason),
            clock.now(),
        )
        .await?
        {
            Ok(Refund::Refunded {
                order_id: target.order_id,
                ticket_number: target.ticket_number,
            })
        } else {
            Ok(Refund::Pending)
        }
    }

    pub async fn close(self) {
        self.store.close().await;
    }
}
