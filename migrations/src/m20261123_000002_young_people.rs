//! Young people, their care history, the events that move their timeline, and the stored
//! milestones (RULES.md section 3: "the result is stored so that a query over a whole authority
//! is one indexed scan").

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum YoungPeople {
    Table,
    Id,
    LocalId,
    GivenName,
    FamilyName,
    PreferredName,
    DateOfBirth,
    Gender,
    Pronouns,
    Ethnicity,
    FirstLanguage,
    Disability,
    Uasc,
    Trafficked,
    Phone,
    Email,
    Address,
    AdviserId,
    SocialWorker,
    SpecialGuardianship,
    EducationAfter21,
    RequestedPaAfter21,
    LegalStatus,
    NextDue,
    OverdueCount,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CareEpisodes {
    Table,
    Id,
    YoungPersonId,
    StartDate,
    EndDate,
    LegalBasis,
    ShortBreaksOnly,
}

#[derive(DeriveIden)]
enum ParentPeriods {
    Table,
    Id,
    YoungPersonId,
    StartDate,
    EndDate,
}

#[derive(DeriveIden)]
enum Accommodations {
    Table,
    Id,
    YoungPersonId,
    Kind,
    StartDate,
    EndDate,
    ProvidedByAuthority,
    Suitability,
    Suitable,
    MoveReason,
    Temporary,
    PaVisitScheduledFor,
}

#[derive(DeriveIden)]
enum Allocations {
    Table,
    Id,
    YoungPersonId,
    Role,
    UserId,
    PersonName,
    StartDate,
    EndDate,
    Reason,
}

#[derive(DeriveIden)]
enum TimelineEvents {
    Table,
    Id,
    YoungPersonId,
    Kind,
    EventDate,
    EndDate,
    Notes,
    RecordedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Milestones {
    Table,
    Id,
    YoungPersonId,
    Code,
    Due,
    State,
    DoneOn,
    Rule,
    Source,
    Statutory,
    Escalated,
    ComputedAt,
}

#[derive(DeriveIden)]
enum MilestoneOverrides {
    Table,
    Id,
    YoungPersonId,
    Code,
    Due,
    Reason,
    UserId,
    CreatedAt,
}

fn child_fk(from_table: impl IntoIden, from_col: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from_table, from_col)
        .to(YoungPeople::Table, YoungPeople::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden,
    cols: Vec<DynIden>,
    unique: bool,
) -> Result<(), DbErr> {
    let mut idx = Index::create();
    idx.name(name).table(table);
    for c in cols {
        idx.col(c);
    }
    if unique {
        idx.unique();
    }
    manager.create_index(idx.to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(YoungPeople::Table)
                    .col(string(YoungPeople::Id).primary_key())
                    .col(string_uniq(YoungPeople::LocalId))
                    .col(string(YoungPeople::GivenName))
                    .col(string(YoungPeople::FamilyName))
                    .col(string_null(YoungPeople::PreferredName))
                    .col(date(YoungPeople::DateOfBirth))
                    .col(string_null(YoungPeople::Gender))
                    .col(string_null(YoungPeople::Pronouns))
                    .col(string_null(YoungPeople::Ethnicity))
                    .col(string_null(YoungPeople::FirstLanguage))
                    .col(string_null(YoungPeople::Disability))
                    .col(boolean(YoungPeople::Uasc).default(false))
                    .col(boolean(YoungPeople::Trafficked).default(false))
                    .col(string_null(YoungPeople::Phone))
                    .col(string_null(YoungPeople::Email))
                    .col(text_null(YoungPeople::Address))
                    .col(string_null(YoungPeople::AdviserId))
                    .col(string_null(YoungPeople::SocialWorker))
                    .col(boolean(YoungPeople::SpecialGuardianship).default(false))
                    .col(boolean(YoungPeople::EducationAfter21).default(false))
                    .col(boolean(YoungPeople::RequestedPaAfter21).default(false))
                    .col(string(YoungPeople::LegalStatus).default("not_in_scope"))
                    .col(date_null(YoungPeople::NextDue))
                    .col(integer(YoungPeople::OverdueCount).default(0))
                    .col(integer(YoungPeople::Version).default(1))
                    .col(timestamp_with_time_zone(YoungPeople::CreatedAt))
                    .col(timestamp_with_time_zone(YoungPeople::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(YoungPeople::Table, YoungPeople::AdviserId)
                            .to(Alias::new("users"), Alias::new("id")),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_young_people_adviser",
            YoungPeople::Table,
            vec![YoungPeople::AdviserId.into_iden()],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(CareEpisodes::Table)
                    .col(string(CareEpisodes::Id).primary_key())
                    .col(string(CareEpisodes::YoungPersonId))
                    .col(date(CareEpisodes::StartDate))
                    .col(date_null(CareEpisodes::EndDate))
                    .col(string(CareEpisodes::LegalBasis))
                    .col(boolean(CareEpisodes::ShortBreaksOnly).default(false))
                    .foreign_key(&mut child_fk(
                        CareEpisodes::Table,
                        CareEpisodes::YoungPersonId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ParentPeriods::Table)
                    .col(string(ParentPeriods::Id).primary_key())
                    .col(string(ParentPeriods::YoungPersonId))
                    .col(date(ParentPeriods::StartDate))
                    .col(date_null(ParentPeriods::EndDate))
                    .foreign_key(&mut child_fk(
                        ParentPeriods::Table,
                        ParentPeriods::YoungPersonId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Accommodations::Table)
                    .col(string(Accommodations::Id).primary_key())
                    .col(string(Accommodations::YoungPersonId))
                    .col(string(Accommodations::Kind))
                    .col(date(Accommodations::StartDate))
                    .col(date_null(Accommodations::EndDate))
                    .col(boolean(Accommodations::ProvidedByAuthority).default(false))
                    // JSON object: CLR 2010 Schedule 2 factor -> { "met": bool, "note": text }
                    .col(text(Accommodations::Suitability))
                    .col(boolean(Accommodations::Suitable))
                    .col(text_null(Accommodations::MoveReason))
                    .col(boolean(Accommodations::Temporary).default(false))
                    .col(date_null(Accommodations::PaVisitScheduledFor))
                    .foreign_key(&mut child_fk(
                        Accommodations::Table,
                        Accommodations::YoungPersonId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Allocations::Table)
                    .col(string(Allocations::Id).primary_key())
                    .col(string(Allocations::YoungPersonId))
                    // personal_adviser | social_worker
                    .col(string(Allocations::Role))
                    .col(string_null(Allocations::UserId))
                    .col(string(Allocations::PersonName))
                    .col(date(Allocations::StartDate))
                    .col(date_null(Allocations::EndDate))
                    .col(text_null(Allocations::Reason))
                    .foreign_key(&mut child_fk(
                        Allocations::Table,
                        Allocations::YoungPersonId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TimelineEvents::Table)
                    .col(string(TimelineEvents::Id).primary_key())
                    .col(string(TimelineEvents::YoungPersonId))
                    .col(string(TimelineEvents::Kind))
                    .col(date(TimelineEvents::EventDate))
                    .col(date_null(TimelineEvents::EndDate))
                    .col(text_null(TimelineEvents::Notes))
                    .col(string_null(TimelineEvents::RecordedBy))
                    .col(timestamp_with_time_zone(TimelineEvents::CreatedAt))
                    .foreign_key(&mut child_fk(
                        TimelineEvents::Table,
                        TimelineEvents::YoungPersonId,
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, table, col) in [
            (
                "idx_care_episodes_yp",
                CareEpisodes::Table.into_iden(),
                CareEpisodes::YoungPersonId.into_iden(),
            ),
            (
                "idx_parent_periods_yp",
                ParentPeriods::Table.into_iden(),
                ParentPeriods::YoungPersonId.into_iden(),
            ),
            (
                "idx_accommodations_yp",
                Accommodations::Table.into_iden(),
                Accommodations::YoungPersonId.into_iden(),
            ),
            (
                "idx_allocations_yp",
                Allocations::Table.into_iden(),
                Allocations::YoungPersonId.into_iden(),
            ),
            (
                "idx_timeline_events_yp",
                TimelineEvents::Table.into_iden(),
                TimelineEvents::YoungPersonId.into_iden(),
            ),
        ] {
            index(manager, name, table, vec![col], false).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(Milestones::Table)
                    .col(string(Milestones::Id).primary_key())
                    .col(string(Milestones::YoungPersonId))
                    .col(string(Milestones::Code))
                    .col(date(Milestones::Due))
                    .col(string(Milestones::State))
                    .col(date_null(Milestones::DoneOn))
                    .col(text(Milestones::Rule))
                    .col(string(Milestones::Source))
                    .col(boolean(Milestones::Statutory))
                    .col(boolean(Milestones::Escalated).default(false))
                    .col(timestamp_with_time_zone(Milestones::ComputedAt))
                    .foreign_key(&mut child_fk(Milestones::Table, Milestones::YoungPersonId))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "uq_milestones_yp_code",
            Milestones::Table,
            vec![
                Milestones::YoungPersonId.into_iden(),
                Milestones::Code.into_iden(),
            ],
            true,
        )
        .await?;
        index(
            manager,
            "idx_milestones_due",
            Milestones::Table,
            vec![Milestones::State.into_iden(), Milestones::Due.into_iden()],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(MilestoneOverrides::Table)
                    .col(string(MilestoneOverrides::Id).primary_key())
                    .col(string(MilestoneOverrides::YoungPersonId))
                    .col(string(MilestoneOverrides::Code))
                    .col(date(MilestoneOverrides::Due))
                    .col(text(MilestoneOverrides::Reason))
                    .col(string(MilestoneOverrides::UserId))
                    .col(timestamp_with_time_zone(MilestoneOverrides::CreatedAt))
                    .foreign_key(&mut child_fk(
                        MilestoneOverrides::Table,
                        MilestoneOverrides::YoungPersonId,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_milestone_overrides_yp",
            MilestoneOverrides::Table,
            vec![MilestoneOverrides::YoungPersonId.into_iden()],
            false,
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            MilestoneOverrides::Table.into_iden(),
            Milestones::Table.into_iden(),
            TimelineEvents::Table.into_iden(),
            Allocations::Table.into_iden(),
            Accommodations::Table.into_iden(),
            ParentPeriods::Table.into_iden(),
            CareEpisodes::Table.into_iden(),
            YoungPeople::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(t).to_owned())
                .await?;
        }
        Ok(())
    }
}
