/* Functions and globals come and go. */
#include <string.h>

int kept = 3;
int new_counter;
struct stats { int hits; };
struct stats stats;

int stable(int x)
{
    return x + kept;
}

int new_api(int x)
{
    new_counter += x;
    stats.hits++;
    return new_counter;
}
