# SPDX-License-Identifier: GPL-3.0-or-later
# The store's layering, checked on the source tree: QtSql stays below the store's parts (no source in ui/ or
# app/ names it, no header in models/ includes it), and widgets reach data only through item models, typed
# worker jobs and action objects: no ui/ source includes the Store or the Database, or runs a job on a Store.
#   cmake -DROOT=<source tree> -P checklayers.cmake
# Fails naming every file that breaks a rule.
if(NOT ROOT)
    message(FATAL_ERROR "checklayers.cmake: pass -DROOT=<source tree>")
endif()
set(problems "")

file(GLOB_RECURSE above LIST_DIRECTORIES false "${ROOT}/ui/*.cpp" "${ROOT}/ui/*.h" "${ROOT}/app/*.cpp" "${ROOT}/app/*.h")
foreach(f IN LISTS above)
    file(STRINGS "${f}" hits REGEX "QSql")
    if(hits)
        list(APPEND problems "${f} names QtSql: ${hits}")
    endif()
endforeach()

file(GLOB_RECURSE widgets LIST_DIRECTORIES false "${ROOT}/ui/*.cpp" "${ROOT}/ui/*.h")
foreach(f IN LISTS widgets)
    file(STRINGS "${f}" hits REGEX "#[ \t]*include[ \t]*[\"<]store/database\\.h[\">]")
    if(hits)
        list(APPEND problems "${f} includes the Database: ${hits}")
    endif()
    file(STRINGS "${f}" hits REGEX "#[ \t]*include[ \t]*[\"<]store/store\\.h[\">]")
    if(hits)
        list(APPEND problems "${f} includes the Store: ${hits}")
    endif()
    file(STRINGS "${f}" hits REGEX "[^A-Za-z_]Store[ \t]*&")
    if(hits)
        list(APPEND problems "${f} works on a Store: ${hits}")
    endif()
endforeach()

file(GLOB_RECURSE headers LIST_DIRECTORIES false "${ROOT}/models/*.h")
foreach(f IN LISTS headers)
    file(STRINGS "${f}" hits REGEX "#[ \t]*include[ \t]*<QSql|#[ \t]*include[ \t]*<QtSql")
    if(hits)
        list(APPEND problems "${f} is a header including QtSql: ${hits}")
    endif()
endforeach()

if(problems)
    # One line a problem (STATUS lines are not re-wrapped, so a test can match them whatever the paths).
    message(STATUS "layering broken:")
    foreach(p IN LISTS problems)
        message(STATUS "${p}")
    endforeach()
    message(FATAL_ERROR "layering broken (see above)")
endif()
list(LENGTH above n)
message(STATUS "layering holds (${n} sources in ui/ and app/ checked)")
