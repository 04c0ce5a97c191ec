//! The handlers, one module per area. Each reads as: validate, look up, decide, store, answer.

pub mod accounts;
pub mod certificates;
pub mod devices;
pub mod exceptions;
pub mod health;
pub mod identity;
pub mod notifications;
pub mod paid_payments;
pub mod payments;
pub mod process;
pub mod public;
pub mod tax_certificates;
pub mod verify;
