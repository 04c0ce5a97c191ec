//! Reconciliation: the money the channels took, set against the payments the gateway kept and
//! the refunds it made. After the recovery job has settled everything, a sound gateway shows no
//! double charge and no lost payment.

use super::Store;

/// What a reconciliation found. Counts are of payment attempts unless said otherwise.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reconciliation {
    /// Channel payments that took money (sandbox channels' books: paid or refunded since).
    pub taken: i64,
    /// Payments the gateway kept as an order's payment (`succeeded`).
    pub kept: i64,
    /// Payments given back (`refunded`), duplicates and operator refunds alike.
    pub refunded: i64,
    /// Refunds asked for and not confirmed yet (`refund_pending`).
    pub refund_pending: i64,
    /// Declarations paid by more than one kept payment.
    pub double_charged: i64,
    /// Money a channel took that the gateway neither kept nor refunded (nor is refunding), plus
    /// kept payments whose order is not paid or refunded.
    pub lost: i64,
    /// Orders `paid` without a kept payment of their amount.
    pub paid_without_evidence: i64,
}

impl Reconciliation {
    /// No double charge, no lost payment, no payment without evidence.
    pub fn is_sound(&self) -> bool {
        self.double_charged == 0 && self.lost == 0 && self.paid_without_evidence == 0
    }
}

impl Store {
    pub async fn reconcile(&self) -> Result<Reconciliation, sqlx::Error> {
        let count = |sql: &'static str| async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&self.pool)
                .await
        };
        Ok(Reconciliation {
            taken: count(
                "SELECT COUNT(*) FROM sandbox_channel_orders WHERE status IN ('paid', 'refunded')",
            )
            .await?,
            kept: count("SELECT COUNT(*) FROM payment_attempts WHERE status = 'succeeded'").await?,
            refunded: count("SELECT COUNT(*) FROM payment_attempts WHERE status = 'refunded'")
                .await?,
            refund_pending: count(
                "SELECT COUNT(*) FROM payment_attempts WHERE status = 'refund_pending'",
            )
            .await?,
            double_charged: count(
                "SELECT COUNT(*) FROM (SELECT o.declaration_id FROM payment_attempts a \
                 JOIN payment_orders o ON o.id = a.order_id WHERE a.status = 'succeeded' \
                 GROUP BY o.declaration_id HAVING COUNT(*) > 1) doubled",
            )
            .await?,
            lost: count(
                "SELECT (SELECT COUNT(*) FROM sandbox_channel_orders c \
                   LEFT JOIN payment_attempts a ON a.id = c.attempt_id \
                   WHERE c.status = 'paid' AND (a.id IS NULL OR a.status NOT IN \
                   ('succeeded', 'refund_pending', 'refunded'))) \
                 + (SELECT COUNT(*) FROM payment_attempts a \
                   JOIN payment_orders o ON o.id = a.order_id \
                   WHERE a.status = 'succeeded' AND o.status NOT IN ('paid', 'refunded'))",
            )
            .await?,
            paid_without_evidence: count(
                "SELECT COUNT(*) FROM payment_orders o WHERE o.status = 'paid' AND NOT EXISTS \
                 (SELECT 1 FROM payment_attempts a WHERE a.order_id = o.id \
                 AND a.status = 'succeeded' AND a.amount_fen = o.amount_fen)",
            )
            .await?,
        })
    }
}
