//! The capture workbook: one worksheet per capture sheet, header row frozen and locked,
//! pre-filled identity cells locked, drop-downs for categorical cells and numeric ranges
//! enforced by Excel's data validation. The file is byte-identical for the same study.

use rust_xlsxwriter::{
    Color, DataValidation, DataValidationRule, DocProperties, ExcelDateTime, Format, Formula,
    ProtectionOptions, Workbook, Worksheet, XlsxError,
};

use crate::protocol::{CaptureColumn, ChoiceSource, ColumnKind, RowLayout};

use super::plan::{Cell, SheetTable, StudyPlan};

const LISTS_SHEET: &str = "lists";
const DICTIONARY_SHEET: &str = "columns";
/// Excel refuses in-cell lists longer than this; longer ones live on the `lists` sheet.
const INLINE_LIST_MAX: usize = 255;

/// Renders the workbook to bytes.
pub fn capture_workbook(
    plan: &StudyPlan,
    dictionary: &[Vec<String>],
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    // A fixed creation time keeps the file identical from run to run.
    let created = ExcelDateTime::from_ymd(2000, 1, 1)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(&plan.protocol.title)
            .set_author("preclin")
            .set_creation_datetime(&created),
    );

    let header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xD9D9D9))
        .set_locked()
        .set_text_wrap();
    let prefilled = Format::new()
        .set_background_color(Color::RGB(0xF2F2F2))
        .set_locked();
    let open = Format::new().set_unlocked();

    // Long lists (blind codes, long choice lists) go to a hidden sheet, one column each.
    let mut lists: Vec<(String, Vec<String>)> = Vec::new();
    let codes: Vec<String> = plan.animals.iter().map(|a| a.blind_code.clone()).collect();

    for table in &plan.sheets {
        let ws = wb.add_worksheet();
        ws.set_name(&table.sheet.name)?;
        write_sheet(ws, table, &codes, &mut lists, &header, &prefilled, &open)?;
    }

    let dict = wb.add_worksheet();
    dict.set_name(DICTIONARY_SHEET)?;
    for (r, row) in dictionary.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            if r == 0 {
                dict.write_string_with_format(r as u32, c as u16, value, &header)?;
            } else {
                dict.write_string(r as u32, c as u16, value)?;
            }
        }
    }
    for (c, width) in [16.0, 26.0, 16.0, 8.0, 8.0, 30.0, 9.0, 10.0, 60.0]
        .iter()
        .enumerate()
    {
        dict.set_column_width(c as u16, *width)?;
    }
    dict.set_freeze_panes(1, 0)?;

    if !lists.is_empty() {
        let ls = wb.add_worksheet();
        ls.set_name(LISTS_SHEET)?;
        for (c, (name, values)) in lists.iter().enumerate() {
            ls.write_string(0, c as u16, name)?;
            for (r, v) in values.iter().enumerate() {
                ls.write_string(r as u32 + 1, c as u16, v)?;
            }
        }
        ls.set_hidden(true);
    }
    wb.save_to_buffer()
}

fn write_sheet(
    ws: &mut Worksheet,
    table: &SheetTable,
    codes: &[String],
    lists: &mut Vec<(String, Vec<String>)>,
    header: &Format,
    prefilled: &Format,
    open: &Format,
) -> Result<(), XlsxError> {
    let last_row = table.workbook_rows.max(1);
    for (c, col) in table.sheet.columns.iter().enumerate() {
        let c = c as u16;
        ws.write_string_with_format(0, c, &col.name, header)?;
        ws.set_column_width(c, (col.name.chars().count() as f64 + 2.0).clamp(9.0, 40.0))?;
        if !col.prefilled {
            ws.set_column_format(c, open)?;
            if let Some(dv) = validation(col, codes, lists)? {
                ws.add_data_validation(1, c, last_row, c, &dv)?;
            }
        }
    }
    for (r, row) in table.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Empty => {}
                Cell::Text(s) => {
                    ws.write_string_with_format(r, c, s, prefilled)?;
                }
                Cell::Integer(i) => {
                    ws.write_number_with_format(r, c, *i as f64, prefilled)?;
                }
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    let options = ProtectionOptions {
        format_columns: true,
        format_rows: true,
        insert_rows: table.sheet.rows == RowLayout::Free,
        sort: true,
        use_autofilter: true,
        ..ProtectionOptions::default()
    };
    ws.protect_with_options(&options);
    Ok(())
}

fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// The data validation of one column, with an input message explaining what it takes.
fn validation(
    col: &CaptureColumn,
    codes: &[String],
    lists: &mut Vec<(String, Vec<String>)>,
) -> Result<Option<DataValidation>, XlsxError> {
    let mut dv = match col.kind {
        ColumnKind::Number => {
            DataValidation::new().allow_decimal_number(match (col.min, col.max) {
                (Some(lo), Some(hi)) => DataValidationRule::Between(lo, hi),
                (Some(lo), None) => DataValidationRule::GreaterThanOrEqualTo(lo),
                (None, Some(hi)) => DataValidationRule::LessThanOrEqualTo(hi),
                (None, None) => DataValidationRule::Between(-1e300, 1e300),
            })
        }
        ColumnKind::Integer => {
            let lo = col.min.map_or(i32::MIN, |v| v.ceil() as i32);
            let hi = col.max.map_or(i32::MAX, |v| v.floor() as i32);
            DataValidation::new().allow_whole_number(DataValidationRule::Between(lo, hi))
        }
        ColumnKind::Choice | ColumnKind::YesNo => {
            let values: Vec<String> = match (col.kind, col.choices_from) {
                (ColumnKind::YesNo, _) => vec!["yes".into(), "no".into()],
                (_, Some(ChoiceSource::BlindCodes)) => codes.to_vec(),
                _ => col.choices.clone(),
            };
            let inline_len: usize = values.iter().map(|v| v.chars().count() + 1).sum();
            // Excel separates inline list items by commas, so such items need the lists sheet.
            let inline = inline_len <= INLINE_LIST_MAX
                && !values.iter().any(|v| v.contains(',') || v.contains('"'));
            if inline {
                DataValidation::new().allow_list_strings(&values)?
            } else {
                let column = list_column(lists, &col.name, values);
                let letter = column_letter(column);
                let len = lists[column].1.len() + 1;
                DataValidation::new().allow_list_formula(Formula::new(format!(
                    "={LISTS_SHEET}!${letter}$2:${letter}${len}"
                )))
            }
        }
        ColumnKind::Date | ColumnKind::Text => {
            if col.description.is_empty() {
                return Ok(None);
            }
            DataValidation::new().allow_any_value()
        }
    };
    dv = dv.set_input_title(truncate(&col.name, 32))?;
    let mut message = col.description.clone();
    if let (Some(lo), Some(hi)) = (col.min, col.max) {
        message = format!("{message} [{lo}–{hi}]").trim().to_string();
    }
    if !message.is_empty() {
        dv = dv.set_input_message(truncate(&message, 255))?;
    }
    dv = dv
        .set_error_title("Value not allowed")?
        .set_error_message(truncate(
            &format!(
                "{} does not accept this value. See the `columns` sheet.",
                col.name
            ),
            255,
        ))?;
    Ok(Some(dv))
}

fn list_column(lists: &mut Vec<(String, Vec<String>)>, name: &str, values: Vec<String>) -> usize {
    if let Some(i) = lists.iter().position(|(_, v)| *v == values) {
        return i;
    }
    lists.push((name.to_string(), values));
    lists.len() - 1
}

fn column_letter(mut index: usize) -> String {
    let mut s = String::new();
    loop {
        s.insert(0, (b'A' + (index % 26) as u8) as char);
        if index < 26 {
            return s;
        }
        index = index / 26 - 1;
    }
}

#[cfg(test)]
mod tests {
    use super::column_letter;

    #[test]
    fn spreadsheet_column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }
}
