//! Maintained indicator totals: one row per period, scope, indicator and age band, so the
//! performance page reads a few dozen indexed rows instead of scanning every record.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum IndicatorValues {
    Table,
    Id,
    Period,
    ScopeKind,
    ScopeId,
    Code,
    Band,
    Numerator,
    Denominator,
    ComputedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(IndicatorValues::Table)
                .col(string(IndicatorValues::Id).primary_key())
                // The last day of a month, or today for the current figures.
                .col(date(IndicatorValues::Period))
                // authority | team | adviser
                .col(string(IndicatorValues::ScopeKind))
                // empty for the authority
                .col(string(IndicatorValues::ScopeId))
                .col(string(IndicatorValues::Code))
                // 17-18 | 19-21 | 22-25, or empty
                .col(string(IndicatorValues::Band))
                .col(integer(IndicatorValues::Numerator))
                .col(integer(IndicatorValues::Denominator))
                .col(timestamp_with_time_zone(IndicatorValues::ComputedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_indicator_values")
                .table(IndicatorValues::Table)
                .col(IndicatorValues::ScopeKind)
                .col(IndicatorValues::ScopeId)
                .col(IndicatorValues::Period)
                .col(IndicatorValues::Code)
                .col(IndicatorValues::Band)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_indicator_values_period")
                .table(IndicatorValues::Table)
                .col(IndicatorValues::Period)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(IndicatorValues::Table).to_owned())
            .await
    }
}
