//! The schema of the pathway service. Every table is created here, portable between SQLite
//! (the embedded default) and PostgreSQL. The application and every test run these migrations.

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_foundation;
mod m20261123_000002_young_people;
mod m20261123_000003_plans;
mod m20261123_000004_oversight;
mod m20261123_000005_outbox;
mod m20261123_000006_indicators;
mod m20261123_000007_indicator_cover;
mod m20261130_000008_young_person_team;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_foundation::Migration),
            Box::new(m20261123_000002_young_people::Migration),
            Box::new(m20261123_000003_plans::Migration),
            Box::new(m20261123_000004_oversight::Migration),
            Box::new(m20261123_000005_outbox::Migration),
            Box::new(m20261123_000006_indicators::Migration),
            Box::new(m20261123_000007_indicator_cover::Migration),
            Box::new(m20261130_000008_young_person_team::Migration),
        ]
    }
}
