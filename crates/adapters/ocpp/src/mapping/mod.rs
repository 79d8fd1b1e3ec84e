//! Between the wire and the charging context: validated messages become the inputs of the
//! application services, their outcomes become responses, and a refusal becomes a CALLERROR code.

mod enum_tables;
mod operations;
mod requests;
mod responses;
mod samples;
#[cfg(test)]
mod tests;

pub use enum_tables::{connector_error_code, connector_status, stop_reason};
pub use operations::full_local_list;
pub use requests::{boot_info, id_token, meter_values_input, start_request, status_report, stop_request};
pub use responses::{boot_response, error_code_for, heartbeat_response, id_tag_info, start_response, stop_response};
pub use samples::meter_sample;
