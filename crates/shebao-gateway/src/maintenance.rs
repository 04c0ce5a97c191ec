//! What an operator does to a gateway's database besides serving it: apply migrations, seed
//! the fictional people, list and revoke devices. The `shebao-gateway` binary's `migrate`,
//! `seed` and `admin` commands call these.

use chrono::NaiveDate;

use crate::clock::Clock;
use crate::store::Store;
use crate::{Database, GatewayError, open_store, sandbox};

pub use crate::store::Revocation;

/// A device as `admin list-devices` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceStatus {
    pub id: String,
    /// Unix seconds.
    pub enrolled_at: i64,
    /// Unix seconds; set: its signed requests are refused with `device_revoked`.
    pub revoked_at: Option<i64>,
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

    pub async fn close(self) {
        self.store.close().await;
    }
}
