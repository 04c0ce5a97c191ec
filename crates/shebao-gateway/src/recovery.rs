//! Resolving payments without an outcome, and giving money back.
//!
//! The recovery job queries the channel about every attempt that is pending or unknown and
//! applies what it answers: a payment (channel evidence, the amount checked against the
//! attempt) pays the order, or is a duplicate when the order was paid or voided already; an
//! order the channel can no longer be paid on ends the attempt; no answer makes it unknown,
//! to be asked again next time. An attempt the gateway closed is asked again until a query
//! after its link ran out, since a payment can land just after a close (and its notification
//! can be lost). Duplicates are refunded through the channel
//! (`succeeded → refund_pending → refunded`). Ticket void and the operator's refund use the
//! same steps.

use std::time::Duration;

use shebao_core::wire::{AttemptStatus, OrderStatus, PaymentOrder};
use tokio::sync::watch;

use crate::GatewayError;
use crate::sandbox::cashier::{QueryAnswer, SandboxChannels};
use crate::state::AppState;
use crate::store::{
    AttemptEnd, AttemptRow, ChannelPayment, PaymentOutcome, PaymentSource, Store, VoidOrder,
};

/// Attempts one pass looks at, at most, of each kind.
const BATCH: i64 = 200;

/// What one pass of the recovery job did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecoveryReport {
    /// Attempts queried.
    pub queried: usize,
    /// Orders paid on the channel's answer.
    pub paid: usize,
    /// Payments found for orders paid or voided already.
    pub duplicates: usize,
    /// Attempts closed or expired on the channel's answer.
    pub ended: usize,
    /// Queries the channel did not answer in time.
    pub unanswered: usize,
    /// Refunds the channel confirmed.
    pub refunded: usize,
    /// Closed attempts asked again whether a payment landed after all.
    pub rechecked: usize,
}

/// The background job: a pass every `interval` until the gateway stops.
pub async fn job(state: AppState, interval: Duration, mut stopped: watch::Receiver<bool>) {
    if state.channels.is_none() {
        return;
    }
    loop {
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = stopped.wait_for(|stop| *stop) => return,
        }
        match run_once(&state).await {
            Ok(report) if report != RecoveryReport::default() => {
                tracing::info!(?report, "recovery pass");
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "recovery pass failed"),
        }
    }
}

/// One pass: every attempt without an outcome is queried, and every closed one that might
/// still have been paid; every refund due is asked for.
pub async fn run_once(state: &AppState) -> Result<RecoveryReport, GatewayError> {
    let mut report = RecoveryReport::default();
    let Some(channels) = state.channels.as_ref() else {
        return Ok(report);
    };
    let store = &state.store;
    for attempt in store.unresolved_attempts(BATCH).await? {
        report.queried += 1;
        // An attempt of an order that is no longer open is closed first, so that nobody
        // pays it from now on; a payment that landed before still shows in the query.
        if order_closed(store, &attempt.order_id).await? {
            channels.close(&attempt.id).await?;
        }
        match resolve(state, channels, &attempt).await? {
            Resolution::Paid => report.paid += 1,
            Resolution::Duplicate => report.duplicates += 1,
            Resolution::Ended => report.ended += 1,
            Resolution::Unanswered => report.unanswered += 1,
            Resolution::Open => {}
        }
    }
    // A payment that landed after the close, whose notification never came.
    for attempt in store.closed_attempts_to_recheck(BATCH).await? {
        report.rechecked += 1;
        match resolve(state, channels, &attempt).await? {
            Resolution::Paid => report.paid += 1,
            Resolution::Duplicate => report.duplicates += 1,
            Resolution::Ended | Resolution::Open | Resolution::Unanswered => {}
        }
    }
    for attempt in store.refunds_due(BATCH).await? {
        if refund(store, channels, &attempt, None, state.clock.now()).await? {
            report.refunded += 1;
        }
    }
    Ok(report)
}

async fn order_closed(store: &Store, order_id: &str) -> Result<bool, GatewayError> {
    Ok(store
        .order_status(order_id)
        .await?
        .is_some_and(|status| !status.is_open()))
}

/// What the channel's answer did to an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    Paid,
    Duplicate,
    /// Closed or expired.
    Ended,
    /// Still payable.
    Open,
    /// No answer: unknown.
    Unanswered,
}

/// Queries the channel about one attempt and applies the answer.
pub async fn resolve(
    state: &AppState,
    channels: &SandboxChannels,
    attempt: &AttemptRow,
) -> Result<Resolution, GatewayError> {
    let store = &state.store;
    let now = state.clock.now();
    let answer = channels.query(&attempt.id).await?;
    if attempt.status == AttemptStatus::Closed {
        // Only a payment changes an attempt that was closed; a query without an answer does
        // not count as asked.
        match answer {
            QueryAnswer::Paid { .. } => {}
            QueryAnswer::TimedOut => return Ok(Resolution::Unanswered),
            _ => {
                store.mark_queried(&attempt.id, now).await?;
                return Ok(Resolution::Ended);
            }
        }
    }
    store.mark_queried(&attempt.id, now).await?;
    Ok(match answer {
        QueryAnswer::Paid {
            channel_txn_id,
            amount,
            paid_at,
        } => {
            let outcome = store
                .apply_channel_payment(&ChannelPayment {
                    source: PaymentSource::Query,
                    channel: attempt.channel,
                    channel_txn_id: &channel_txn_id,
                    attempt_id: &attempt.id,
                    amount,
                    paid_at,
                    now,
                })
                .await?;
            tracing::info!(attempt_id = %attempt.id, ?outcome, "channel query: paid");
            match outcome {
                PaymentOutcome::Paid => Resolution::Paid,
                PaymentOutcome::Duplicate => {
                    if let Some(row) = store.attempt_row(&attempt.id).await? {
                        refund(store, channels, &row, None, now).await?;
                    }
                    Resolution::Duplicate
                }
                // Recorded by a notification meanwhile.
                PaymentOutcome::AlreadyRecorded => Resolution::Paid,
                PaymentOutcome::UnknownAttempt
                | PaymentOutcome::AmountMismatch
                | PaymentOutcome::Conflict => {
                    tracing::error!(attempt_id = %attempt.id, ?outcome, "a channel's payment could not be applied");
                    Resolution::Open
                }
            }
        }
        QueryAnswer::Open => {
            store.mark_attempt_pending(attempt, now).await?;
            Resolution::Open
        }
        QueryAnswer::Closed => {
            let end = if attempt.expires_at <= now {
                AttemptEnd::Expired
            } else {
                AttemptEnd::Closed
            };
            store.end_attempt(attempt, end, now).await?;
            Resolution::Ended
        }
        // The channel never heard of it (opening it failed): nobody can pay it.
        QueryAnswer::Unknown if attempt.expires_at <= now => {
            store.end_attempt(attempt, AttemptEnd::Expired, now).await?;
            Resolution::Ended
        }
        QueryAnswer::Unknown => Resolution::Open,
        QueryAnswer::TimedOut => {
            store.mark_attempt_unknown(attempt, now).await?;
            Resolution::Unanswered
        }
    })
}

/// Gives an attempt's money back through its channel: `succeeded → refund_pending`, the
/// channel's refund, `refund_pending → refunded` (and for an operator's refund the order and
/// its certificates `refunded`). Whether the refund is confirmed; a refund the channel did
/// not confirm stays pending for the next pass.
pub async fn refund(
    store: &Store,
    channels: &SandboxChannels,
    attempt: &AttemptRow,
    reason: Option<&str>,
    now: i64,
) -> Result<bool, GatewayError> {
    if !store.begin_refund(attempt, reason, now).await? {
        return Ok(false);
    }
    let Some(refund_id) = channels.refund(&attempt.id).await? else {
        tracing::error!(attempt_id = %attempt.id, "the channel has no payment to refund");
        return Ok(false);
    };
    let done = store.finish_refund(&attempt.id, &refund_id, now).await?;
    if done {
        tracing::info!(attempt_id = %attempt.id, "payment refunded");
    }
    Ok(done)
}

/// How a ticket void ended.
#[derive(Debug)]
pub enum TicketVoid {
    Voided(PaymentOrder),
    /// The channel reported a payment while closing: the order is paid, not void.
    Paid(PaymentOrder),
    NotFound,
    /// Paid, refunded or voided already.
    NotOpen,
    /// The channel did not confirm the close; nothing was voided.
    Unconfirmed,
}

/// Ticket void (票证作废) of a person's open order: each attempt without an outcome is closed
/// at its channel and the close confirmed by a query, then the order is voided. A payment the
/// query reveals pays the order instead.
pub async fn void_ticket(
    state: &AppState,
    person_id: &str,
    order_id: &str,
) -> Result<TicketVoid, GatewayError> {
    let store = &state.store;
    let Some(order) = store.order(person_id, order_id).await? else {
        return Ok(TicketVoid::NotFound);
    };
    if !order.status.is_open() {
        return Ok(TicketVoid::NotOpen);
    }
    if let Some(channels) = state.channels.as_ref() {
        for attempt in store.order_attempts(order_id).await? {
            if !matches!(
                attempt.status,
                AttemptStatus::Pending | AttemptStatus::Unknown
            ) {
                continue;
            }
            channels.close(&attempt.id).await?;
            match resolve(state, channels, &attempt).await? {
                Resolution::Paid | Resolution::Duplicate => break,
                Resolution::Ended => {}
                Resolution::Open | Resolution::Unanswered => return Ok(TicketVoid::Unconfirmed),
            }
        }
    }
    let voided = store
        .void_order(person_id, order_id, state.clock.now())
        .await?;
    let order = store
        .order(person_id, order_id)
        .await?
        .ok_or(GatewayError::Config("a payment order vanished"))?;
    Ok(match voided {
        VoidOrder::Voided => TicketVoid::Voided(order),
        VoidOrder::NotFound => TicketVoid::NotFound,
        VoidOrder::AttemptOpen => TicketVoid::Unconfirmed,
        VoidOrder::NotOpen if order.status == OrderStatus::Paid => TicketVoid::Paid(order),
        VoidOrder::NotOpen => TicketVoid::NotOpen,
    })
}
