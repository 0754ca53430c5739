/*
 * kmm/fs.h - character devices as a driver sees them: struct file, struct inode,
 * struct file_operations, device numbers, misc devices and cdevs.
 *
 * A driver registers its operations (misc_register, or a device number range plus cdev_add);
 * a node in kmm's /dev table names the device number (misc_register makes /dev/NAME itself,
 * kmm_mknod() does what mknod or udev would for a cdev). A simulated process then opens the
 * node with kmm_open() (kmm/process.h) and every call reaches the driver's operations.
 */
#ifndef KMM_FS_H
#define KMM_FS_H

#include <stdio.h>
#include <sys/types.h>
#include "types.h"

typedef __loff_t loff_t;
typedef unsigned int fmode_t;

/* Device numbers as the kernel packs them inside (12-bit major, 20-bit minor). */
#define MINORBITS 20
#define MINORMASK ((1U << MINORBITS) - 1)
#define MAJOR(dev) ((unsigned int)((dev) >> MINORBITS))
#define MINOR(dev) ((unsigned int)((dev)&MINORMASK))
#define MKDEV(ma, mi) ((dev_t)(((dev_t)(ma) << MINORBITS) | (mi)))

#define CHRDEV_MAJOR_MAX 512
#define MISC_MAJOR 10
#define MISC_DYNAMIC_MINOR 255

/* f_mode bits. */
#define FMODE_READ 0x1u
#define FMODE_WRITE 0x2u
#define FMODE_LSEEK 0x4u

struct file;
struct inode;
struct vm_area_struct;
struct module;
struct stat;

#ifndef THIS_MODULE
#define THIS_MODULE ((struct module *)0)
#endif

struct file_operations {
	struct module *owner;
	loff_t (*llseek)(struct file *file, loff_t offset, int whence);
	ssize_t (*read)(struct file *file, char *buf, size_t count, loff_t *pos);
	ssize_t (*write)(struct file *file, const char *buf, size_t count, loff_t *pos);
	long (*unlocked_ioctl)(struct file *file, unsigned int cmd, unsigned long arg);
	long (*compat_ioctl)(struct file *file, unsigned int cmd, unsigned long arg);
	int (*mmap)(struct file *file, struct vm_area_struct *vma);
	int (*open)(struct inode *inode, struct file *file);
	int (*release)(struct inode *inode, struct file *file);
};

struct cdev {
	struct module *owner;
	const struct file_operations *ops;
	dev_t dev;
	unsigned int count;
	struct cdev *kmm_next; /* kmm: the added cdevs, under the chrdev lock */
};

/* One /dev node; lives as long as the node. */
struct inode {
	dev_t i_rdev;
	unsigned int i_mode;
	struct cdev *i_cdev; /* the cdev found at open, NULL for misc devices */
	void *i_private;
};

/* One open of a device by a process. f_count: references (open fd, each VMA). */
struct file {
	const struct file_operations *f_op;
	struct inode *f_inode;
	unsigned int f_flags; /* O_* the process opened with */
	fmode_t f_mode;
	loff_t f_pos;
	void *private_data;
	int f_count; /* atomic */
};

static inline struct inode *file_inode(const struct file *file)
{
	return file->f_inode;
}

static inline unsigned int iminor(const struct inode *inode)
{
	return MINOR(inode->i_rdev);
}

static inline unsigned int imajor(const struct inode *inode)
{
	return MAJOR(inode->i_rdev);
}

struct miscdevice {
	int minor; /* MISC_DYNAMIC_MINOR: misc_register picks one */
	const char *name; /* the /dev node */
	const struct file_operations *fops;
	unsigned short mode; /* umode_t: the node's permissions; 0 gives the default, 0600 */
	struct miscdevice *kmm_next; /* kmm: registered misc devices, under the chrdev lock */
};

/**
 * misc_register - register a misc character device and make /dev/NAME
 * @misc: the device; @misc->minor set to the one chosen if it asked for a dynamic one
 *
 * Context: process context, may sleep.
 * Return: 0, -EBUSY (minor or name taken), -EINVAL or -ENOMEM.
 */
int misc_register(struct miscdevice *misc);

/**
 * misc_deregister - remove a misc device and its node
 * @misc: a registered device; files still open keep working until closed
 *
 * Context: process context, may sleep.
 */
void misc_deregister(struct miscdevice *misc);

/**
 * register_chrdev_region - claim a range of device numbers
 * @from: the first number
 * @count: how many (they may run into the next major)
 * @name: owner, for reports
 *
 * Context: process context.
 * Return: 0, -EBUSY (overlap) or -EINVAL.
 */
int register_chrdev_region(dev_t from, unsigned int count, const char *name);

/**
 * alloc_chrdev_region - claim minors under a major kmm picks (the highest free, from 254 down)
 * @dev: out: the first number
 * @baseminor: first minor
 * @count: how many
 * @name: owner
 *
 * Context: process context.
 * Return: 0, or -EBUSY when no dynamic major is free.
 */
int alloc_chrdev_region(dev_t *dev, unsigned int baseminor, unsigned int count, const char *name);

/**
 * unregister_chrdev_region - give back numbers claimed by the two calls above
 * @from: the first number
 * @count: how many
 *
 * Context: process context.
 */
void unregister_chrdev_region(dev_t from, unsigned int count);

/**
 * cdev_init - prepare a cdev
 * @cdev: the cdev
 * @fops: its operations
 *
 * Context: any.
 */
void cdev_init(struct cdev *cdev, const struct file_operations *fops);

/**
 * cdev_add - make a cdev reachable through its device numbers
 * @cdev: the cdev
 * @dev: first number
 * @count: how many
 *
 * Context: process context.
 * Return: 0, -EBUSY (numbers already served) or -EINVAL.
 */
int cdev_add(struct cdev *cdev, dev_t dev, unsigned int count);

/**
 * cdev_del - remove a cdev; files still open keep working until closed
 * @cdev: the cdev
 *
 * Context: process context.
 */
void cdev_del(struct cdev *cdev);

/**
 * kmm_mknod - make a /dev node for a character device number (what udev would do)
 * @path: "/dev/NAME"
 * @dev: the device number
 *
 * Context: process context.
 * Return: 0, -EEXIST or -ENOMEM.
 */
int kmm_mknod(const char *path, dev_t dev);

/**
 * kmm_unlink - remove a node made by kmm_mknod()
 * @path: the node
 *
 * Context: process context.
 * Return: 0 or -ENOENT.
 */
int kmm_unlink(const char *path);

/**
 * kmm_stat - what stat() on a /dev node tells a program: a character device and its number
 * @path: "/dev/NAME"
 * @st: out: cleared, then st_mode (S_IFCHR | 0600), st_nlink 1 and st_rdev, encoded as user
 *      space sees device numbers (major() and minor() of <sys/sysmacros.h> take it apart);
 *      kmm has no filesystem, so st_dev, st_ino, sizes and times are 0
 *
 * Lets a tool name the device behind a node without reaching into kmm's tables, as a program
 * on a real system would stat() it.
 * Context: process context.
 * Return: 0 or -ENOENT (no such node).
 */
int kmm_stat(const char *path, struct stat *st);

/**
 * kmm_proc_devices - print /proc/devices' character device list
 * @out: where to print
 *
 * Context: process context.
 */
void kmm_proc_devices(FILE *out);

/**
 * default_llseek - move f_pos within a file of unknown size (SEEK_SET, SEEK_CUR)
 * @file: the file
 * @offset: the offset
 * @whence: SEEK_SET or SEEK_CUR; SEEK_END is -EINVAL
 *
 * Return: the new position or -EINVAL.
 */
loff_t default_llseek(struct file *file, loff_t offset, int whence);

/**
 * noop_llseek - a seek that succeeds and moves nothing
 * @file: the file
 * @offset: ignored
 * @whence: ignored
 *
 * Return: the current position.
 */
loff_t noop_llseek(struct file *file, loff_t offset, int whence);

/**
 * nonseekable_open - mark a file as not seekable (kmm_lseek then fails with -ESPIPE)
 * @inode: its inode
 * @file: the file
 *
 * Return: 0.
 */
int nonseekable_open(struct inode *inode, struct file *file);

#endif /* KMM_FS_H */
