// A page that includes the Store and runs its own job on it: checklayers.cmake must refuse this tree.
#include "store/store.h"

void load(runlens::StoreWorker *worker)
{
    worker->run<int>(nullptr, [](runlens::Store &store) { return 1; }, [](int) {});
}
