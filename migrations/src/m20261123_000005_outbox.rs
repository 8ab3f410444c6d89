//! The email outbox and each user's reminder preference.
//!
//! One row per email. A reminder is inserted in the same transaction as the change that causes
//! it; the unique key (recipient, kind, item, due date) makes a second insert impossible, so a
//! scheduler tick may run on every node. Workers claim rows with a lease (`locked_by`,
//! `locked_until`) and send with no transaction open.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum EmailOutbox {
    Table,
    Id,
    RecipientId,
    ToAddr,
    Kind,
    Item,
    Due,
    Payload,
    Subject,
    BodyText,
    BodyHtml,
    Status,
    Attempts,
    MaxAttempts,
    RunAt,
    LockedBy,
    LockedUntil,
    LastError,
    DigestId,
    CreatedAt,
    SentAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    ReminderDelivery,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(EmailOutbox::Table)
                .col(string(EmailOutbox::Id).primary_key())
                .col(string(EmailOutbox::RecipientId))
                .col(string(EmailOutbox::ToAddr))
                // due_soon | return_interview | return_interview_overdue | daily_digest
                .col(string(EmailOutbox::Kind))
                // what the reminder is about, e.g. `milestone:{young person}:{code}`
                .col(string(EmailOutbox::Item))
                .col(date(EmailOutbox::Due))
                // JSON: what the digest needs to list a held reminder
                .col(text(EmailOutbox::Payload))
                .col(text(EmailOutbox::Subject))
                .col(text(EmailOutbox::BodyText))
                .col(text(EmailOutbox::BodyHtml))
                // held | digested | pending | sending | sent | dead
                .col(string(EmailOutbox::Status))
                .col(integer(EmailOutbox::Attempts).default(0))
                .col(integer(EmailOutbox::MaxAttempts))
                .col(timestamp_with_time_zone(EmailOutbox::RunAt))
                .col(string_null(EmailOutbox::LockedBy))
                .col(timestamp_with_time_zone_null(EmailOutbox::LockedUntil))
                .col(text_null(EmailOutbox::LastError))
                .col(string_null(EmailOutbox::DigestId))
                .col(timestamp_with_time_zone(EmailOutbox::CreatedAt))
                .col(timestamp_with_time_zone_null(EmailOutbox::SentAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(EmailOutbox::Table, EmailOutbox::RecipientId)
                        .to(Alias::new("users"), Alias::new("id")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_email_outbox_key")
                .table(EmailOutbox::Table)
                .col(EmailOutbox::RecipientId)
                .col(EmailOutbox::Kind)
                .col(EmailOutbox::Item)
                .col(EmailOutbox::Due)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_email_outbox_claim")
                .table(EmailOutbox::Table)
                .col(EmailOutbox::Status)
                .col(EmailOutbox::RunAt)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_email_outbox_created")
                .table(EmailOutbox::Table)
                .col(EmailOutbox::CreatedAt)
                .to_owned(),
        )
        .await?;
        // The scheduler reads open return home interviews past their due date on every tick.
        m.create_index(
            Index::create()
                .name("idx_milestones_code_due")
                .table(Alias::new("milestones"))
                .col(Alias::new("code"))
                .col(Alias::new("due"))
                .to_owned(),
        )
        .await?;
        // immediate | digest: how the non-urgent "coming up" reminders reach this user.
        m.alter_table(
            Table::alter()
                .table(Users::Table)
                .add_column(string(Users::ReminderDelivery).default("immediate"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Users::Table)
                .drop_column(Users::ReminderDelivery)
                .to_owned(),
        )
        .await?;
        m.drop_index(
            Index::drop()
                .name("idx_milestones_code_due")
                .table(Alias::new("milestones"))
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(EmailOutbox::Table).to_owned())
            .await
    }
}
