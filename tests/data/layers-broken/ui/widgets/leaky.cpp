// A widget source that breaks the store's layering: checklayers.cmake must refuse this tree.
#include "store/database.h"
