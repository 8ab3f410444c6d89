use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "Pathway API", description = "The care-leaver pathway-plan service. Authenticate with POST /api/v1/auth/token and send the token as `Authorization: Bearer`."),
    paths(
        super::auth::token,
        super::auth::me,
        super::young_people::list,
        super::young_people::create,
        super::young_people::show,
        super::young_people::update,
        super::young_people::add_history,
        super::young_people::timeline,
        super::plans::list,
        super::plans::start,
        super::plans::show,
        super::plans::update,
        super::plans::checks,
        super::plans::submit,
        super::plans::approve,
        super::plans::return_plan,
        super::oversight::team_summary,
        super::oversight::team_overdue,
        super::oversight::team_approvals,
        super::oversight::team_awaiting_allocation,
        super::young_people::allocate,
        super::oversight::list_oversight,
        super::oversight::create_oversight,
        super::oversight::create_supervision,
        super::oversight::list_supervisions,
        super::oversight::create_audit,
        super::oversight::show_audit,
        super::oversight::moderate_audit,
    ),
    components(schemas(crate::error::FieldError)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
