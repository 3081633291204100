typedef unsigned u32;
