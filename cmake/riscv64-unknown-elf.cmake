# Toolchain file for bare-metal RISC-V (Debian gcc-riscv64-unknown-elf with
# picolibc-riscv64-unknown-elf). CPU flags (-march/-mabi) are per target and
# come from the project (TINYKG_CPU_FLAGS).
#
# Debian ships no libstdc++ for riscv64-unknown-elf. The engine uses only
# libstdc++'s header-only, target-independent parts (<span>, <array>,
# <limits>, the <cmath>/<cstdint> wrappers over the C library's headers), so
# those headers are taken from libstdc++-arm-none-eabi-dev; the C headers
# and libc/libm are picolibc's (--specs=picolibc.specs).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR riscv32)
set(CMAKE_C_COMPILER riscv64-unknown-elf-gcc)
set(CMAKE_CXX_COMPILER riscv64-unknown-elf-g++)
set(CMAKE_ASM_COMPILER riscv64-unknown-elf-gcc)
set(CMAKE_AR riscv64-unknown-elf-ar)
set(CMAKE_RANLIB riscv64-unknown-elf-ranlib)
file(GLOB TINYKG_LIBSTDCXX_HEADERS LIST_DIRECTORIES true /usr/include/newlib/c++/*)
if(NOT TINYKG_LIBSTDCXX_HEADERS)
  message(FATAL_ERROR "riscv64-unknown-elf firmware needs libstdc++'s headers from libstdc++-arm-none-eabi-dev "
                      "(apt-get install $(grep -v '^#' scripts/packages/deb-emu.txt))")
endif()
list(SORT TINYKG_LIBSTDCXX_HEADERS COMPARE NATURAL ORDER DESCENDING)
list(GET TINYKG_LIBSTDCXX_HEADERS 0 TINYKG_LIBSTDCXX_HEADERS)
set(CMAKE_C_FLAGS_INIT "--specs=picolibc.specs")
set(CMAKE_CXX_FLAGS_INIT
    "--specs=picolibc.specs -isystem ${TINYKG_LIBSTDCXX_HEADERS} -isystem ${TINYKG_LIBSTDCXX_HEADERS}/arm-none-eabi")
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
