//! Studies: randomised, blocked allocation; blinding codes; the stressor calendar; and
//! the data-capture templates (CSV, Excel workbook, keys, run order) of a study folder.

mod allocation;
mod calendar;
mod files;
mod output;
mod plan;
mod random;
mod workbook;

pub use allocation::{allocate, blind_codes, AllocatedAnimal, AllocationError, AllocationRequest};
pub use calendar::{stressor_calendar, CalendarEntry, DAYS, PERIODS_PER_DAY};
pub(crate) use files::csv_text;
pub use files::{study_files, StudyFiles};
pub use output::{write_study, OutputError};
pub use plan::{plan_study, Cell, SheetTable, StudyPlan, TemplateOptions};
pub use random::StudyRng;
