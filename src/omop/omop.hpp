// Front door of the omop rooms: CDM table definitions, the vocabulary, and the CDM writer.
#pragma once

#include "omop/cdm/cdm.hpp"
#include "omop/vocab/vocab.hpp"
#include "omop/write/omop_write.hpp"
