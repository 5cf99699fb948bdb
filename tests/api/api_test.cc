#include "api/api_fixture.h"
