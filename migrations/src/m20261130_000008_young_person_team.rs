//! Every young person belongs to a team from the day they are added, allocated or not, so that a
//! manager sees the young people waiting for a personal adviser (Ofsted found advisers allocated
//! at about 17½ in Barnet: a young person no manager can see is never allocated).
//!
//! Existing records take their adviser's team: the adviser's own team, or the team the adviser
//! manages. A record with no adviser and no team stays visible to senior managers only, as before.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum YoungPeople {
    Table,
    TeamId,
}

const INDEX: &str = "idx_young_people_team";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(YoungPeople::Table)
                .add_column(ColumnDef::new(YoungPeople::TeamId).string().null())
                .to_owned(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared(
                "UPDATE young_people SET team_id = COALESCE(\
                   (SELECT users.team_id FROM users WHERE users.id = young_people.adviser_id), \
                   (SELECT MIN(teams.id) FROM teams WHERE teams.manager_id = young_people.adviser_id)) \
                 WHERE adviser_id IS NOT NULL",
            )
            .await?;
        // The team page's awaiting-allocation list and a manager's scope read by team.
        m.create_index(
            Index::create()
                .name(INDEX)
                .table(YoungPeople::Table)
                .col(YoungPeople::TeamId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name(INDEX)
                .table(YoungPeople::Table)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(YoungPeople::Table)
                .drop_column(YoungPeople::TeamId)
                .to_owned(),
        )
        .await
    }
}
