// Front door of the core room: the domain-free vocabulary every other room uses.
#pragma once

#include "core/csv.hpp"
#include "core/date.hpp"
#include "core/diagnostics.hpp"
#include "core/error.hpp"
#include "core/json_writer.hpp"
#include "core/output.hpp"
#include "core/rng.hpp"
#include "core/uuid.hpp"
