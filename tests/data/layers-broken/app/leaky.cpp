// An app source that names QtSql: checklayers.cmake must refuse this tree.
#include <QSqlQuery>
