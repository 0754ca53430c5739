/* <generated/utsrelease.h> for driver code: the release string uname -r would print. */
#ifndef _KMM_COMPAT_GENERATED_UTSRELEASE_H
#define _KMM_COMPAT_GENERATED_UTSRELEASE_H

#define UTS_RELEASE "kmm"

#endif
