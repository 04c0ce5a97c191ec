//! Shebao's domain: identity documents, money, fee periods, the policy table, contribution
//! arithmetic, protocol signing and the wire types both the app and the gateway speak.
//!
//! Nothing in here does I/O; "today" is always passed in by the caller.

pub mod capitals;
pub mod certificate;
pub mod error;
pub mod id;
pub mod money;
pub mod period;
pub mod phone;
pub mod policy;
pub mod sign;
pub mod wire;

pub use error::ErrorCode;
pub use id::{IdNumber, IdType, PassportKind, PersonName};
pub use money::Amount;
pub use period::{FeePeriod, PeriodType, YearMonth};
pub use phone::PhoneNumber;
