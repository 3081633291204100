#include <stdio.h>
#include "config_missing.h"

int main(void)
{
    return 0;
}
