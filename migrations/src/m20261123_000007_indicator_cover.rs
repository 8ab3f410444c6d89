//! The performance page reads one scope's kept figures. This index holds every column that read
//! needs, so SQLite answers it from the index alone instead of looking up each of the ~230 rows
//! in the table (by callgrind, those lookups were a third of the page's database time).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum IndicatorValues {
    Table,
    ScopeKind,
    ScopeId,
    Period,
    Code,
    Band,
    Numerator,
    Denominator,
    ComputedAt,
}

const NAME: &str = "idx_indicator_values_scope_figures";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name(NAME)
                .table(IndicatorValues::Table)
                .col(IndicatorValues::ScopeKind)
                .col(IndicatorValues::ScopeId)
                .col(IndicatorValues::Period)
                .col(IndicatorValues::Code)
                .col(IndicatorValues::Band)
                .col(IndicatorValues::Numerator)
                .col(IndicatorValues::Denominator)
                .col(IndicatorValues::ComputedAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name(NAME)
                .table(IndicatorValues::Table)
                .to_owned(),
        )
        .await
    }
}
