/* <linux/rcupdate.h> for driver code: RCU readers, pointers, grace periods, call_rcu, kfree_rcu. */
#ifndef _KMM_COMPAT_LINUX_RCUPDATE_H
#define _KMM_COMPAT_LINUX_RCUPDATE_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/preempt.h>
#include <kmm/rcupdate.h>

#endif
