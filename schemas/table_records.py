"""The records a table yields: the table, each of its cells, and the measurements read
from them (a value with its label, unit and context)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from schemas.fields import (
    Citations,
    Comparator,
    DocId,
    ForeignKey,
    Line,
    Page,
    PComparator,
    Record,
    to_document,
    to_section,
)


class TableRecord(Record):
    """One row per table: its place, title, shape and legend."""
    stem = "tables"
    primary_key = ("doc_id", "table_id")
    change_key = ("doc_id", "table_id")
    foreign_keys = (to_document(), to_section(),
                    ForeignKey(("doc_id", "parent_table_id"), "tables", ("doc_id", "table_id")))

    doc_id: DocId
    table_id: str = Field(min_length=1, description="<section_id>-table-<n>, n counting in the section.")
    section_id: str | None = Field(description="Section holding the table.")
    section_path: str = Field(description="Section titles from the top, joined by ' > '.")
    title: str | None = Field(description="The table's caption (HTML <caption>), else the nearest "
                              "heading or caption line above it.")
    n_rows: int = Field(ge=0, description="Body rows.")
    n_cols: int = Field(ge=1, description="Columns, the row-label column included; in HTML, the "
                        "columns of the grid once row and column spans are expanded.")
    notes: str | None = Field(description="Legend paragraph directly under the table.")
    parent_table_id: str | None = Field(description="For a table nested in another's cell (HTML): "
                                        "the table holding it; empty otherwise.")
    parent_row_index: int | None = Field(ge=0, description="Body row of the parent's cell holding "
                                         "this table; empty when it sits in a header cell.")
    parent_col_index: int | None = Field(ge=0, description="Column of the parent's cell holding "
                                         "this table.")
    page: Page = None
    line_start: Line


class TableCellRecord(Record):
    """One row per body cell the source gives, the row-label column included, with its typed
    value; a row the source writes short has no cells past its last."""
    stem = "table_cells"
    primary_key = ("doc_id", "table_id", "row_index", "col_index")
    change_key = ("doc_id", "table_id", "row_label", "column_label")  # survives a moved row
    foreign_keys = (ForeignKey(("doc_id", "table_id"), "tables", ("doc_id", "table_id")),)

    doc_id: DocId
    table_id: str = Field(min_length=1, description="Table the cell belongs to.")
    row_index: int = Field(ge=0, description="0-based body row.")
    col_index: int = Field(ge=0, description="0-based column; 0 is the row-label column.")
    row_label: str = Field(description="First cell of the row.")
    column_label: str = Field(description="Header text of the column; several header rows "
                              "joined from the top with ' > ' ('Week 12 > ACR50').")
    text: str = Field(description="Clean cell text: no markup, no citation markers; a spanning "
                      "cell's text in every position it covers.")
    value: float | None = Field(description="Leading measured number.")
    unit: str | None = Field(description="Unit of value, from the cell or else its column/row label.")
    comparator: Comparator | None = Field(description="Sign before the value: <, >, ≤, ≥, ~, ≈.")
    uncertainty: float | None = Field(ge=0, description="The ± spread stated with the value.")
    value_low: float | None = Field(description="Low end of a range (8–14 h gives 8); never averaged.")
    value_high: float | None = Field(description="High end of a range (8–14 h gives 14).")
    p_value: float | None = Field(ge=0, le=1, description="First p-value stated in the cell.")
    p_comparator: PComparator | None = Field(description="Relation of the p-value: <, >, =, ≤, ≥.")
    citations: Citations
    missing: bool = Field(description="True for a placeholder cell such as '-', 'N/A', 'NR'.")
    row_span: int = Field(ge=1, description="Rows the source cell spans (HTML rowspan); 1 otherwise.")
    col_span: int = Field(ge=1, description="Columns the source cell spans (HTML colspan); 1 otherwise.")
    span_origin: bool = Field(description="True where the source cell starts (its top-left "
                              "position); False in the other positions a spanning cell covers.")
    row_header: bool = Field(description="True for a header cell in a body row (HTML <th>: a "
                             "row's label, an infobox section row).")
    page: Page = None
    line: Line

    @model_validator(mode="after")
    def _consistent(self) -> TableCellRecord:
        if self.missing and self.value is not None:
            raise ValueError("a missing cell has no value")
        if (self.p_value is None) != (self.p_comparator is None):
            raise ValueError("p_value and p_comparator go together")
        ranged = self.value_low is not None
        if ranged != (self.value_high is not None):
            raise ValueError("value_low and value_high go together")
        if ranged and self.value is not None:
            raise ValueError("a range leaves value empty (ranges are never averaged)")
        measured = self.value is not None or ranged
        if not measured and (self.unit is not None or self.comparator is not None
                             or self.uncertainty is not None):
            raise ValueError("unit, comparator and uncertainty need a value")
        return self


Orientation = Literal["rows", "columns"]
Confidence = Literal["high", "medium", "low"]


class MeasurementRecord(Record):
    """One measured number of a table, saying what it measures, for what, when, in which trial."""
    stem = "measurements"
    primary_key = ("doc_id", "measurement_id")
    change_key = ("doc_id", "measurement_id")
    foreign_keys = (ForeignKey(("doc_id", "table_id"), "tables", ("doc_id", "table_id")),)

    doc_id: DocId
    measurement_id: str = Field(min_length=1, description="<table_id>-r<row>-c<col>: the cell "
                                "the number stands in; -<n> after it for the n-th number of a "
                                "cell that states several.")
    table_id: str = Field(min_length=1, description="Table the number stands in.")
    row_index: int = Field(ge=0, description="Its cell's body row (as in table_cells).")
    col_index: int = Field(ge=1, description="Its cell's column (as in table_cells).")
    quantity: str = Field(min_length=1, description="What is measured ('ACR50 Response', 'IC50', "
                          "'Median Time to Recovery'): the label of the axis that names quantities, "
                          "without its unit, time point or trial; a label the cell gives its "
                          "number comes first ('pKa', 'IC₅₀ (Cytotoxicity)').")
    subject: str | None = Field(description="What it is measured for (a compound, an arm, a "
                                "kinase, a cell line), without its dose and regimen: a name the "
                                "cell gives its number ('Cisplatin: ...'), else the label of the "
                                "other axis.")
    dose: float | None = Field(ge=0, description="Dose the subject's label states ('4 mg' gives 4).")
    dose_unit: str | None = Field(description="Unit of dose, as written (mg, mg/kg, µM, ...).")
    regimen: str | None = Field(description="Frequency and co-therapy the subject's label states "
                                "('QD with MTX' for '4 mg QD + MTX', 'with Remdesivir').")
    timepoint: float | None = Field(ge=0, description="Time point a label or the title states "
                                    "('Week 12' gives 12, '28-Day' gives 28).")
    timepoint_unit: Literal["hour", "day", "week", "month", "year"] | None = Field(
        description="Unit of timepoint.")
    condition: str | None = Field(description="The condition the cell states in parentheses "
                                  "right after the number ('A549' in '3.1 µM (A549)', 'loading' "
                                  "in '<50 mM (loading)').")
    trial: str | None = Field(description="Trial a label, the table's title or its section names "
                              "(RA-BEAM, BREEZE-AD1, ACTT-2).")
    value: float | None = Field(description="The measured number (a cell that states several "
                                "numbers gives one measurement each).")
    value_low: float | None = Field(description="Low end of a range; never averaged.")
    value_high: float | None = Field(description="High end of a range.")
    uncertainty: float | None = Field(ge=0, description="The ± spread stated with the value.")
    comparator: Comparator | None = Field(description="Sign before the value: <, >, ≤, ≥, ~, ≈.")
    unit: str | None = Field(description="Unit as written: the number's own, else the row "
                             "label's, else the column header's.")
    p_value: float | None = Field(ge=0, le=1, description="p-value stated with it.")
    p_comparator: PComparator | None = Field(description="Relation of the p-value.")
    value_canonical: float | None = Field(description="value in unit_canonical: amount "
                                          "concentrations in mol/L, mass concentrations in g/L, "
                                          "masses in g, durations in days; percentages, rates and "
                                          "ratios as given; empty for a unit pint cannot read.")
    unit_canonical: str | None = Field(description="Unit of value_canonical.")
    orientation: Orientation = Field(description="Which axis of the table names the quantity: "
                                     "rows (row labels) or columns (header).")
    orientation_confidence: Confidence = Field(description="How clearly the labels said so: high "
                                               "(a corner label such as Metric, or three labels "
                                               "agreeing), medium, or low (no evidence; the header "
                                               "is taken to name the quantity).")
    citations: Citations
    page: Page = None
    line: Line
