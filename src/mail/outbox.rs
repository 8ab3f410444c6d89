//! Putting emails into the outbox: a row per email under the unique key (recipient, kind, item,
//! due date), inserted in the caller's transaction so an email leaves with the change that caused
//! it. Below the services (which enqueue reminders with their changes) and the jobs (which send
//! them: see `jobs::outbox`).

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};

use crate::entities::email_outbox::{self, Column};

pub const HELD: &str = "held";
pub const DIGESTED: &str = "digested";
pub const PENDING: &str = "pending";
pub const SENDING: &str = "sending";
pub const SENT: &str = "sent";
pub const DEAD: &str = "dead";

/// The unique key: one email per recipient, kind, item and due date.
pub const KEY: [Column; 4] = [Column::RecipientId, Column::Kind, Column::Item, Column::Due];

/// What a new outbox row says; [`NewEmail::row`] makes it a row ready to enqueue.
pub struct NewEmail<'a> {
    pub recipient_id: &'a str,
    pub to: &'a str,
    pub kind: &'a str,
    pub item: &'a str,
    pub due: chrono::NaiveDate,
    /// JSON the digest reads back for a held reminder.
    pub payload: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// `pending` to send, `held` for the recipient's digest.
    pub status: &'a str,
    pub max_attempts: i32,
}

impl NewEmail<'_> {
    pub fn row(self, now: DateTime<Utc>) -> email_outbox::ActiveModel {
        use sea_orm::ActiveValue::Set;
        email_outbox::ActiveModel {
            id: Set(uuid::Uuid::now_v7().to_string()),
            recipient_id: Set(self.recipient_id.to_string()),
            to_addr: Set(self.to.to_string()),
            kind: Set(self.kind.to_string()),
            item: Set(self.item.to_string()),
            due: Set(self.due),
            payload: Set(self.payload),
            subject: Set(self.subject),
            body_text: Set(self.text),
            body_html: Set(self.html),
            status: Set(self.status.to_string()),
            attempts: Set(0),
            max_attempts: Set(self.max_attempts),
            run_at: Set(now),
            locked_by: Set(None),
            locked_until: Set(None),
            last_error: Set(None),
            digest_id: Set(None),
            created_at: Set(now),
            sent_at: Set(None),
        }
    }
}

/// Inserts outbox rows unless their key exists; a duplicate is success, not an error.
pub async fn enqueue<C: ConnectionTrait>(
    db: &C,
    rows: Vec<email_outbox::ActiveModel>,
) -> Result<(), DbErr> {
    for chunk in rows.chunks(100) {
        email_outbox::Entity::insert_many(chunk.to_vec())
            .on_conflict_do_nothing_on(KEY)
            .exec(db)
            .await?;
    }
    Ok(())
}
