//! Teams, users, sessions, login throttling and the append-only audit log.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Teams {
    Table,
    Id,
    Name,
    ManagerId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Email,
    Name,
    PasswordHash,
    Role,
    IsAdmin,
    TeamId,
    Disabled,
    SessionsValidAfter,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    UserId,
    Kind,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum LoginAttempts {
    Table,
    Id,
    Email,
    Ip,
    Succeeded,
    At,
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Id,
    At,
    ActorId,
    Action,
    RecordType,
    RecordId,
    Outcome,
    Ip,
    RequestId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Teams::Table)
                    .col(string(Teams::Id).primary_key())
                    .col(string(Teams::Name))
                    .col(string_null(Teams::ManagerId))
                    .col(timestamp_with_time_zone(Teams::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(string(Users::Id).primary_key())
                    .col(string_uniq(Users::Email))
                    .col(string(Users::Name))
                    .col(string(Users::PasswordHash))
                    // adviser | manager | senior_manager | none (an administrator without casework)
                    .col(string(Users::Role))
                    .col(boolean(Users::IsAdmin).default(false))
                    .col(string_null(Users::TeamId))
                    .col(boolean(Users::Disabled).default(false))
                    .col(timestamp_with_time_zone_null(Users::SessionsValidAfter))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .col(timestamp_with_time_zone(Users::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Users::Table, Users::TeamId)
                            .to(Teams::Table, Teams::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_users_team")
                    .table(Users::Table)
                    .col(Users::TeamId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(string(Sessions::Id).primary_key())
                    .col(string(Sessions::UserId))
                    // browser | api
                    .col(string(Sessions::Kind))
                    .col(timestamp_with_time_zone(Sessions::CreatedAt))
                    .col(timestamp_with_time_zone(Sessions::LastSeenAt))
                    .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                    .col(timestamp_with_time_zone_null(Sessions::RevokedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Sessions::Table, Sessions::UserId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sessions_user")
                    .table(Sessions::Table)
                    .col(Sessions::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LoginAttempts::Table)
                    .col(big_pk_auto(LoginAttempts::Id))
                    .col(string(LoginAttempts::Email))
                    .col(string(LoginAttempts::Ip))
                    .col(boolean(LoginAttempts::Succeeded))
                    .col(timestamp_with_time_zone(LoginAttempts::At))
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("idx_login_attempts_email", LoginAttempts::Email),
            ("idx_login_attempts_ip", LoginAttempts::Ip),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(LoginAttempts::Table)
                        .col(col)
                        .col(LoginAttempts::At)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(AuditEvents::Table)
                    .col(big_pk_auto(AuditEvents::Id))
                    .col(timestamp_with_time_zone(AuditEvents::At))
                    .col(string_null(AuditEvents::ActorId))
                    .col(string(AuditEvents::Action))
                    .col(string_null(AuditEvents::RecordType))
                    .col(string_null(AuditEvents::RecordId))
                    .col(string(AuditEvents::Outcome))
                    .col(string_null(AuditEvents::Ip))
                    .col(string_null(AuditEvents::RequestId))
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            ("idx_audit_at", vec![AuditEvents::At]),
            (
                "idx_audit_actor",
                vec![AuditEvents::ActorId, AuditEvents::At],
            ),
            (
                "idx_audit_record",
                vec![
                    AuditEvents::RecordType,
                    AuditEvents::RecordId,
                    AuditEvents::At,
                ],
            ),
        ] {
            let mut idx = Index::create();
            idx.name(name).table(AuditEvents::Table);
            for c in cols {
                idx.col(c);
            }
            manager.create_index(idx.to_owned()).await?;
        }

        // The audit log is append-only (OWASP ASVS 4.0.3 7.3.3 / 8.3.5): the database itself refuses
        // to change or delete an entry, whatever the application does.
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
                     BEGIN RAISE EXCEPTION 'audit_events is append-only'; END;
                     $$ LANGUAGE plpgsql;",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
                     FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();",
                )
                .await?;
            }
            _ => {
                db.execute_unprepared(
                    "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
                     BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
                     BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;",
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            AuditEvents::Table.into_iden(),
            LoginAttempts::Table.into_iden(),
            Sessions::Table.into_iden(),
            Users::Table.into_iden(),
            Teams::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(t).to_owned())
                .await?;
        }
        Ok(())
    }
}
