//! Management oversight, supervision, case audits with moderation, and event details.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OversightRecords {
    Table,
    Id,
    YoungPersonId,
    Kind,
    Decision,
    Rationale,
    Reflection,
    Actions,
    SourceId,
    RecordedBy,
    RecordedOn,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Supervisions {
    Table,
    Id,
    AdviserId,
    SupervisorId,
    SessionDate,
    Format,
    Reflection,
    Challenge,
    Wellbeing,
    Workload,
    NextDate,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CaseAudits {
    Table,
    Id,
    YoungPersonId,
    AuditorId,
    AuditDate,
    Grades,
    Summary,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AuditActions {
    Table,
    Id,
    AuditId,
    YoungPersonId,
    Text,
    OwnerId,
    Due,
    Status,
    CompletedOn,
}

#[derive(DeriveIden)]
enum AuditModerations {
    Table,
    Id,
    AuditId,
    ModeratorId,
    Agrees,
    Grades,
    Reason,
    CreatedAt,
}

#[derive(DeriveIden)]
enum TimelineEvents {
    Table,
    Details,
}

fn fk_yp(table: impl IntoIden, col: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, col)
        .to(Alias::new("young_people"), Alias::new("id"))
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

async fn index(
    m: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden,
    cols: Vec<DynIden>,
) -> Result<(), DbErr> {
    let mut idx = Index::create();
    idx.name(name).table(table);
    for c in cols {
        idx.col(c);
    }
    m.create_index(idx.to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(OversightRecords::Table)
                .col(string(OversightRecords::Id).primary_key())
                .col(string(OversightRecords::YoungPersonId))
                // decision | informal_guidance | plan_approval | plan_return | due_date_override | supervision
                .col(string(OversightRecords::Kind))
                .col(text(OversightRecords::Decision))
                .col(text_null(OversightRecords::Rationale))
                .col(text_null(OversightRecords::Reflection))
                // JSON list of { what, who, by_when }
                .col(text(OversightRecords::Actions))
                .col(string_null(OversightRecords::SourceId))
                .col(string(OversightRecords::RecordedBy))
                .col(date(OversightRecords::RecordedOn))
                .col(timestamp_with_time_zone(OversightRecords::CreatedAt))
                .foreign_key(&mut fk_yp(
                    OversightRecords::Table,
                    OversightRecords::YoungPersonId,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_oversight_yp",
            OversightRecords::Table,
            vec![
                OversightRecords::YoungPersonId.into_iden(),
                OversightRecords::RecordedOn.into_iden(),
            ],
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Supervisions::Table)
                .col(string(Supervisions::Id).primary_key())
                .col(string(Supervisions::AdviserId))
                .col(string(Supervisions::SupervisorId))
                .col(date(Supervisions::SessionDate))
                // one_to_one | group
                .col(string(Supervisions::Format))
                .col(text(Supervisions::Reflection))
                .col(text(Supervisions::Challenge))
                .col(text_null(Supervisions::Wellbeing))
                .col(text_null(Supervisions::Workload))
                .col(date_null(Supervisions::NextDate))
                .col(timestamp_with_time_zone(Supervisions::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Supervisions::Table, Supervisions::AdviserId)
                        .to(Alias::new("users"), Alias::new("id")),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Supervisions::Table, Supervisions::SupervisorId)
                        .to(Alias::new("users"), Alias::new("id")),
                )
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_supervisions_adviser",
            Supervisions::Table,
            vec![
                Supervisions::AdviserId.into_iden(),
                Supervisions::SessionDate.into_iden(),
            ],
        )
        .await?;

        m.create_table(
            Table::create()
                .table(CaseAudits::Table)
                .col(string(CaseAudits::Id).primary_key())
                .col(string(CaseAudits::YoungPersonId))
                .col(string(CaseAudits::AuditorId))
                .col(date(CaseAudits::AuditDate))
                // JSON: area -> { grade, findings }
                .col(text(CaseAudits::Grades))
                .col(text_null(CaseAudits::Summary))
                .col(timestamp_with_time_zone(CaseAudits::CreatedAt))
                .foreign_key(&mut fk_yp(CaseAudits::Table, CaseAudits::YoungPersonId))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_case_audits_yp",
            CaseAudits::Table,
            vec![CaseAudits::YoungPersonId.into_iden()],
        )
        .await?;

        m.create_table(
            Table::create()
                .table(AuditActions::Table)
                .col(string(AuditActions::Id).primary_key())
                .col(string(AuditActions::AuditId))
                .col(string(AuditActions::YoungPersonId))
                .col(text(AuditActions::Text))
                .col(string(AuditActions::OwnerId))
                .col(date(AuditActions::Due))
                // open | done
                .col(string(AuditActions::Status))
                .col(date_null(AuditActions::CompletedOn))
                .foreign_key(
                    ForeignKey::create()
                        .from(AuditActions::Table, AuditActions::AuditId)
                        .to(CaseAudits::Table, CaseAudits::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_audit_actions_owner",
            AuditActions::Table,
            vec![
                AuditActions::OwnerId.into_iden(),
                AuditActions::Status.into_iden(),
            ],
        )
        .await?;
        index(
            m,
            "idx_audit_actions_audit",
            AuditActions::Table,
            vec![AuditActions::AuditId.into_iden()],
        )
        .await?;

        m.create_table(
            Table::create()
                .table(AuditModerations::Table)
                .col(string(AuditModerations::Id).primary_key())
                .col(string(AuditModerations::AuditId))
                .col(string(AuditModerations::ModeratorId))
                .col(boolean(AuditModerations::Agrees))
                .col(text(AuditModerations::Grades))
                .col(text_null(AuditModerations::Reason))
                .col(timestamp_with_time_zone(AuditModerations::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(AuditModerations::Table, AuditModerations::AuditId)
                        .to(CaseAudits::Table, CaseAudits::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_audit_moderations_audit",
            AuditModerations::Table,
            vec![AuditModerations::AuditId.into_iden()],
        )
        .await?;

        // Details of an event: a return home interview's who, whether accepted, what was learned.
        m.alter_table(
            Table::alter()
                .table(TimelineEvents::Table)
                .add_column(text_null(TimelineEvents::Details))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(TimelineEvents::Table)
                .drop_column(TimelineEvents::Details)
                .to_owned(),
        )
        .await?;
        for t in [
            AuditModerations::Table.into_iden(),
            AuditActions::Table.into_iden(),
            CaseAudits::Table.into_iden(),
            Supervisions::Table.into_iden(),
            OversightRecords::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
