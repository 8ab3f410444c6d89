//! Pathway plans: versioned, with their lifecycle. The content is one JSON document per version;
//! an approved version never changes again.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Plans {
    Table,
    Id,
    YoungPersonId,
    VersionNo,
    Status,
    Content,
    LockVersion,
    PreviousPlanId,
    StartedOn,
    CreatedBy,
    CreatedAt,
    UpdatedBy,
    UpdatedAt,
    SubmittedAt,
    DecidedBy,
    DecidedAt,
    Decision,
    ApprovedOn,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Plans::Table)
                    .col(string(Plans::Id).primary_key())
                    .col(string(Plans::YoungPersonId))
                    .col(integer(Plans::VersionNo))
                    // draft | submitted | approved | returned | superseded
                    .col(string(Plans::Status))
                    .col(text(Plans::Content))
                    .col(integer(Plans::LockVersion).default(1))
                    .col(string_null(Plans::PreviousPlanId))
                    .col(date(Plans::StartedOn))
                    .col(string(Plans::CreatedBy))
                    .col(timestamp_with_time_zone(Plans::CreatedAt))
                    .col(string(Plans::UpdatedBy))
                    .col(timestamp_with_time_zone(Plans::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Plans::SubmittedAt))
                    .col(string_null(Plans::DecidedBy))
                    .col(timestamp_with_time_zone_null(Plans::DecidedAt))
                    // The manager's rationale (approval) or comments (returned for changes).
                    .col(text_null(Plans::Decision))
                    .col(date_null(Plans::ApprovedOn))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Plans::Table, Plans::YoungPersonId)
                            .to(Alias::new("young_people"), Alias::new("id"))
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_plans_yp_version")
                    .table(Plans::Table)
                    .col(Plans::YoungPersonId)
                    .col(Plans::VersionNo)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_plans_status")
                    .table(Plans::Table)
                    .col(Plans::Status)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Plans::Table).to_owned())
            .await
    }
}
