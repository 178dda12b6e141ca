// The ViewDefinition processing algorithm: where filter, forEach / forEachOrNull /
// repeat foci, columns, nested selects as a cross product, unionAll as concatenation.
#include <iterator>
#include <utility>

#include "core/error.hpp"
#include "sof/sof.hpp"

namespace fos::sof {

using fhirpath::Collection;
using fhirpath::Value;
using fhirpath::ValueKind;

namespace {

// Every left row followed by every right row. The common shapes (an empty left row, one
// right row) move cells instead of copying rows.
std::vector<Row> cross(std::vector<Row> left, std::vector<Row> right) {
  if (left.size() == 1 && left.front().empty()) return right;
  if (right.size() == 1) {
    Row& tail = right.front();
    if (left.size() == 1) {
      left.front().insert(left.front().end(), std::make_move_iterator(tail.begin()),
                          std::make_move_iterator(tail.end()));
      return left;
    }
    for (Row& row : left) row.insert(row.end(), tail.begin(), tail.end());
    return left;
  }
  std::vector<Row> out;
  out.reserve(left.size() * right.size());
  for (const Row& l : left) {
    for (const Row& r : right) {
      Row row = l;
      row.insert(row.end(), r.begin(), r.end());
      out.push_back(std::move(row));
    }
  }
  return out;
}

}  // namespace

ViewRunner::ViewRunner(const ViewDefinition& view) : view_(view), variables_(view.constants) {
  auto [slot, inserted] = variables_.insert_or_assign("rowIndex", Collection{Value::of_integer(0)});
  row_index_ = &slot->second.front();
  if (view_.selects.size() == 1) {
    const Select& select = view_.selects.front();
    single_row_ = !select.for_each && !select.for_each_or_null && select.repeat.empty() &&
                  select.selects.empty() && select.union_all.empty();
    row_.resize(select.columns.size());
  }
}

Collection ViewRunner::eval(const fhirpath::Expression& expression, const Collection& focus,
                            int64_t row_index) {
  Collection out;
  eval_into(expression, focus, row_index, out);
  return out;
}

void ViewRunner::eval_into(const fhirpath::Expression& expression, const Collection& focus,
                           int64_t row_index, Collection& out) {
  row_index_->integer = row_index;
  const fhirpath::Environment environment{&resource_->json, &variables_};
  try {
    expression.evaluate_into(focus, environment, out);
  } catch (const Error& e) {
    fail(e.kind(), view_.source + ": " + resource_->type + "/" + resource_->id + ": " + e.what());
  }
}

bool ViewRunner::included(const fhir::Resource& resource) {
  if (resource.type != view_.resource) return false;
  const Collection root{Value::of_node(resource.json)};
  for (const auto& where : view_.where) {
    const Collection result = eval(where, root, 0);
    if (result.empty()) return false;
    if (result.size() > 1 || result[0].kind != ValueKind::kBoolean) {
      fail(ErrorKind::kInvalidInput, view_.source + ": " + resource.type + "/" + resource.id +
                                         ": where path '" + where.text() +
                                         "' does not evaluate to a boolean");
    }
    if (!result[0].boolean) return false;
  }
  return true;
}

Cell ViewRunner::column_cell(const Column& column, const Collection& focus, int64_t row_index) {
  Cell cell;
  fill_cell(column, focus, row_index, cell);
  return cell;
}

void ViewRunner::fill_cell(const Column& column, const Collection& focus, int64_t row_index,
                           Cell& cell) {
  eval_into(column.path, focus, row_index, cell.values);
  cell.is_array = column.collection;
  if (!column.collection && cell.values.size() > 1) {
    fail(ErrorKind::kInvalidInput,
         view_.source + ": " + resource_->type + "/" + resource_->id + ": column '" + column.name +
             "' has " + std::to_string(cell.values.size()) +
             " values; set \"collection\": true to keep them as an array");
  }
}

std::vector<ViewRunner::Focus> ViewRunner::foci(const Select& select, const Value& focus,
                                                int64_t row_index) {
  std::vector<Focus> out;
  const Collection start{focus};
  if (select.for_each) {
    int64_t index = 0;
    for (Value& item : eval(*select.for_each, start, row_index)) {
      out.push_back({std::move(item), index++});
    }
    return out;
  }
  if (!select.repeat.empty()) {
    // Depth-first: each node, then its descendants through every repeat path.
    int64_t index = 0;
    std::vector<Value> stack;
    auto push_children = [&](const Value& parent) {
      Collection children;
      for (const auto& expression : select.repeat) {
        Collection part = eval(expression, Collection{parent}, row_index);
        children.insert(children.end(), part.begin(), part.end());
      }
      stack.insert(stack.end(), std::make_move_iterator(children.rbegin()),
                   std::make_move_iterator(children.rend()));
    };
    push_children(focus);
    while (!stack.empty()) {
      Value item = std::move(stack.back());
      stack.pop_back();
      push_children(item);
      out.push_back({std::move(item), index++});
    }
    return out;
  }
  out.push_back({focus, row_index});
  return out;
}

void ViewRunner::null_row(const Select& select, Row& row) const {
  for (const Column& column : select.columns) {
    Cell cell;
    cell.is_array = column.collection;
    if (column.is_row_index) cell.values.push_back(Value::of_integer(0));
    row.push_back(std::move(cell));
  }
  for (const Select& child : select.selects) null_row(child, row);
  if (!select.union_all.empty()) null_row(select.union_all.front(), row);
}

std::vector<Row> ViewRunner::process(const Select& select, const Value& focus, int64_t row_index) {
  const std::vector<Focus> items = foci(select, focus, row_index);
  std::vector<Row> out;
  if (items.empty()) {
    if (select.for_each_or_null) {
      Row row;
      null_row(select, row);
      out.push_back(std::move(row));
    }
    return out;
  }
  for (const Focus& item : items) {
    const Collection focus_collection{item.item};
    Row own;
    own.reserve(select.column_names.size());
    for (const Column& column : select.columns) {
      own.push_back(column_cell(column, focus_collection, item.index));
    }
    std::vector<Row> rows;
    rows.push_back(std::move(own));
    for (const Select& child : select.selects) {
      rows = cross(std::move(rows), process(child, item.item, item.index));
      if (rows.empty()) break;
    }
    if (!select.union_all.empty() && !rows.empty()) {
      std::vector<Row> united;
      for (const Select& branch : select.union_all) {
        std::vector<Row> part = process(branch, item.item, item.index);
        united.insert(united.end(), std::make_move_iterator(part.begin()),
                      std::make_move_iterator(part.end()));
      }
      rows = cross(std::move(rows), std::move(united));
    }
    out.insert(out.end(), std::make_move_iterator(rows.begin()),
               std::make_move_iterator(rows.end()));
  }
  return out;
}

std::vector<Row> ViewRunner::rows(const fhir::Resource& resource) {
  resource_ = &resource;
  if (!included(resource)) return {};
  const Value root = Value::of_node(resource.json);
  std::vector<Row> rows{Row{}};
  for (const Select& select : view_.selects) {
    rows = cross(std::move(rows), process(select, root, 0));
    if (rows.empty()) break;
  }
  return rows;
}

uint64_t ViewRunner::run_single_row(const fhir::Resource& resource, TableSink& sink) {
  resource_ = &resource;
  if (!included(resource)) return 0;
  root_.assign(1, Value::of_node(resource.json));
  const std::vector<Column>& columns = view_.selects.front().columns;
  for (size_t i = 0; i < columns.size(); ++i) fill_cell(columns[i], root_, 0, row_[i]);
  sink.row(row_);
  return 1;
}

uint64_t ViewRunner::run(const fhir::Resource& resource, TableSink& sink) {
  if (single_row_) return run_single_row(resource, sink);
  const std::vector<Row> out = rows(resource);
  for (const Row& row : out) sink.row(row);
  return out.size();
}

}  // namespace fos::sof
