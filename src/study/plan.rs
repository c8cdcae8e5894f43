//! A study planned from a protocol: the resolved protocol, seed, allocation, solution
//! codes, stressor calendar and the filled-in tables of every capture sheet.

use crate::protocol::{
    capture_sheets, BlockBy, CaptureSheet, LoadedProtocol, Protocol, RandomisationMethod, RowLayout,
};

use super::allocation::{
    allocate, solution_codes, AllocatedAnimal, AllocationError, AllocationRequest,
};
use super::calendar::{stressor_calendar, CalendarEntry};

/// What the scientist asked `preclin template` for, beyond the protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateOptions {
    /// Overrides the protocol's planned n per group.
    pub n_per_group: Option<u32>,
    pub seed: u64,
    /// Overrides the protocol's blocking.
    pub block_by: Option<BlockBy>,
}

#[derive(Debug, Clone)]
pub struct StudyPlan {
    /// The protocol with the options applied (n per group, blocking).
    pub protocol: Protocol,
    pub protocol_source: String,
    pub protocol_sha256: String,
    pub seed: u64,
    pub animals: Vec<AllocatedAnimal>,
    /// Letter code of each group's solutions (index = group), when solutions are coded.
    pub solution_codes: Option<Vec<String>>,
    pub calendar: Vec<CalendarEntry>,
    pub sheets: Vec<SheetTable>,
}

/// A cell of a capture sheet as written to CSV and to the workbook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Empty,
    Text(String),
    Integer(i64),
}

impl Cell {
    pub fn as_text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Integer(i) => i.to_string(),
        }
    }
}

/// A capture sheet with its pre-filled rows.
#[derive(Debug, Clone)]
pub struct SheetTable {
    pub sheet: CaptureSheet,
    /// Rows in order; each row has one cell per column.
    pub rows: Vec<Vec<Cell>>,
    /// Rows prepared in the workbook (data validation reaches this far).
    pub workbook_rows: u32,
}

/// Plans the study: allocation, codes, calendar and sheet rows.
pub fn plan_study(
    loaded: &LoadedProtocol,
    options: &TemplateOptions,
) -> Result<StudyPlan, AllocationError> {
    let mut protocol = loaded.protocol.clone();
    if let Some(n) = options.n_per_group {
        protocol.design.n_per_group = n;
    }
    if let Some(by) = options.block_by {
        protocol.randomisation.method = RandomisationMethod::Blocked;
        protocol.randomisation.block_by = Some(by);
    }
    let groups = protocol.design.groups.len();
    let request = AllocationRequest {
        n_per_group: protocol.design.n_per_group,
        block_by: match protocol.randomisation.method {
            RandomisationMethod::Blocked => protocol.randomisation.block_by,
            RandomisationMethod::Complete => None,
        },
        animals_per_cage: protocol.animals.housing.animals_per_cage,
        batch_size: protocol.randomisation.batch_size,
        seed: options.seed,
        code_prefix: protocol.blinding.code_prefix.clone().unwrap_or_default(),
    };
    let animals = allocate(groups, &request)?;
    let solution_codes = protocol
        .blinding
        .coded_solutions
        .then(|| solution_codes(groups, options.seed));
    let calendar = protocol
        .stress
        .as_ref()
        .map(|s| stressor_calendar(s, options.seed))
        .unwrap_or_default();
    let sheets = capture_sheets(&protocol)
        .into_iter()
        .map(|sheet| fill_sheet(sheet, &animals))
        .collect();
    Ok(StudyPlan {
        protocol,
        protocol_source: loaded.origin.display_name(&loaded.protocol.id),
        protocol_sha256: loaded.sha256.clone(),
        seed: options.seed,
        animals,
        solution_codes,
        calendar,
        sheets,
    })
}

fn identity_cell(name: &str, a: &AllocatedAnimal, week: Option<u32>) -> Cell {
    match name {
        "run_order" => Cell::Integer(a.run_order.into()),
        "blind_code" => Cell::Text(a.blind_code.clone()),
        "cage" => Cell::Integer(a.cage.into()),
        "batch" => a.batch.map_or(Cell::Empty, |b| Cell::Integer(b.into())),
        "week" => week.map_or(Cell::Empty, |w| Cell::Integer(w.into())),
        _ => Cell::Empty,
    }
}

fn fill_sheet(sheet: CaptureSheet, animals: &[AllocatedAnimal]) -> SheetTable {
    let row = |a: &AllocatedAnimal, week: Option<u32>| -> Vec<Cell> {
        sheet
            .columns
            .iter()
            .map(|c| {
                if c.prefilled {
                    identity_cell(&c.name, a, week)
                } else {
                    Cell::Empty
                }
            })
            .collect()
    };
    let rows: Vec<Vec<Cell>> = match sheet.rows {
        RowLayout::Animals => animals.iter().map(|a| row(a, None)).collect(),
        RowLayout::AnimalWeeks => {
            let [first, last] = sheet.weeks.unwrap_or([0, 0]);
            animals
                .iter()
                .flat_map(|a| (first..=last).map(move |w| (a, w)))
                .map(|(a, w)| row(a, Some(w)))
                .collect()
        }
        RowLayout::Free => Vec::new(),
    };
    let workbook_rows = match sheet.rows {
        RowLayout::Free => sheet.free_rows,
        _ => rows.len() as u32,
    };
    SheetTable {
        sheet,
        rows,
        workbook_rows,
    }
}
