#ifndef CFLITE_SHIM_H
#define CFLITE_SHIM_H
#include <flite/flite.h>
#include <flite/flite_version.h>

/* The voice libraries (flite1-dev) export their registration functions without a header. */
cst_voice *register_cmu_us_slt(const char *voxdir);
cst_voice *register_cmu_us_kal(const char *voxdir);
cst_voice *register_cmu_us_awb(const char *voxdir);
cst_voice *register_cmu_us_rms(const char *voxdir);
#endif
