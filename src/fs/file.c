/*
 * file.c - the user side of character devices: open, close, read, write, ioctl and lseek as
 * a simulated process calls them, reaching the driver's file_operations.
 *
 * A struct file is shared by the descriptor that opened it and by every VMA mapping it;
 * f_count counts them, and the driver's release runs when the last one goes (so a driver
 * sees release only after munmap of its mappings, as in the kernel). Each call runs the
 * driver with the process made current, so copy_to_user() knows whose memory it is.
 *
 * Locking: p->files_lock guards the descriptor table only; driver operations run unlocked,
 * in process context.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <kmm/context.h>
#include <kmm/errno.h>
#include "user/process.h"
#include "machine/initcall.h"

void file_get(struct file *file)
{
	__atomic_add_fetch(&file->f_count, 1, __ATOMIC_RELAXED);
}

void file_put(struct file *file)
{
	if (__atomic_sub_fetch(&file->f_count, 1, __ATOMIC_ACQ_REL))
		return;
	if (file->f_op && file->f_op->release)
		file->f_op->release(file->f_inode, file);
	free(file);
}

static struct file *fd_get(struct kmm_process *p, int fd)
{
	struct file *file = NULL;

	if (fd < PROCESS_FIRST_FD || fd >= PROCESS_MAX_FILES)
		return NULL;
	pthread_mutex_lock(&p->files_lock);
	file = p->files[fd];
	if (file)
		file_get(file);
	pthread_mutex_unlock(&p->files_lock);
	return file;
}

struct file *file_from_fd(struct kmm_process *p, int fd)
{
	return fd_get(p, fd);
}

static fmode_t open_mode(int flags)
{
	switch (flags & O_ACCMODE) {
	case O_RDONLY:
		return FMODE_READ | FMODE_LSEEK;
	case O_WRONLY:
		return FMODE_WRITE | FMODE_LSEEK;
	default:
		return FMODE_READ | FMODE_WRITE | FMODE_LSEEK;
	}
}

/*
 * What a system call returns to the program: the kernel-internal codes never leave the
 * kernel. A restart code becomes -EINTR (kmm restarts no call) and -ENOIOCTLCMD -ENOTTY.
 */
static long syscall_return(long ret)
{
	switch (ret) {
	case -ERESTARTSYS:
	case -ERESTARTNOINTR:
	case -ERESTARTNOHAND:
	case -ERESTART_RESTARTBLOCK:
		return -EINTR;
	case -ENOIOCTLCMD:
		return -ENOTTY;
	default:
		return ret;
	}
}

int kmm_open(struct kmm_process *p, const char *path, int flags)
{
	const struct file_operations *fops = NULL;
	struct kmm_process *prev;
	struct inode *inode;
	struct file *file;
	void *priv;
	int fd = -EMFILE, err;

	might_sleep();
	err = chrdev_lookup(path, &inode, &fops, &priv);
	if (err)
		return err;
	file = calloc(1, sizeof(*file));
	if (!file)
		return -ENOMEM;
	file->f_op = fops;
	file->f_inode = inode;
	file->f_flags = (unsigned int)flags;
	file->f_mode = open_mode(flags);
	file->private_data = priv;
	file->f_count = 1;

	pthread_mutex_lock(&p->files_lock);
	for (int i = PROCESS_FIRST_FD; i < PROCESS_MAX_FILES; i++) {
		if (!p->files[i]) {
			fd = i;
			p->files[i] = file; /* reserved; published to others only after open */
			break;
		}
	}
	pthread_mutex_unlock(&p->files_lock);
	if (fd < 0) {
		free(file);
		return fd;
	}
	prev = process_enter(p);
	err = fops->open ? fops->open(inode, file) : 0;
	process_leave(prev);
	if (err) {
		pthread_mutex_lock(&p->files_lock);
		p->files[fd] = NULL;
		pthread_mutex_unlock(&p->files_lock);
		free(file);
		return (int)syscall_return(err);
	}
	return fd;
}

int kmm_close(struct kmm_process *p, int fd)
{
	struct kmm_process *prev;
	struct file *file = NULL;

	if (fd < PROCESS_FIRST_FD || fd >= PROCESS_MAX_FILES)
		return -EBADF;
	pthread_mutex_lock(&p->files_lock);
	file = p->files[fd];
	p->files[fd] = NULL;
	pthread_mutex_unlock(&p->files_lock);
	if (!file)
		return -EBADF;
	prev = process_enter(p);
	file_put(file);
	process_leave(prev);
	return 0;
}

void files_close_all(struct kmm_process *p)
{
	for (int fd = PROCESS_FIRST_FD; fd < PROCESS_MAX_FILES; fd++)
		kmm_close(p, fd);
}

ssize_t kmm_read(struct kmm_process *p, int fd, void *buf, size_t count)
{
	struct file *file = fd_get(p, fd);
	struct kmm_process *prev;
	ssize_t ret;

	if (!file)
		return -EBADF;
	if (!(file->f_mode & FMODE_READ))
		ret = -EBADF;
	else if (!file->f_op->read)
		ret = -EINVAL;
	else {
		prev = process_enter(p);
		ret = file->f_op->read(file, buf, count, &file->f_pos);
		process_leave(prev);
	}
	file_put(file);
	return syscall_return(ret);
}

ssize_t kmm_write(struct kmm_process *p, int fd, const void *buf, size_t count)
{
	struct file *file = fd_get(p, fd);
	struct kmm_process *prev;
	ssize_t ret;

	if (!file)
		return -EBADF;
	if (!(file->f_mode & FMODE_WRITE))
		ret = -EBADF;
	else if (!file->f_op->write)
		ret = -EINVAL;
	else {
		prev = process_enter(p);
		ret = file->f_op->write(file, buf, count, &file->f_pos);
		process_leave(prev);
	}
	file_put(file);
	return syscall_return(ret);
}

long kmm_ioctl(struct kmm_process *p, int fd, unsigned int cmd, unsigned long arg)
{
	struct file *file = fd_get(p, fd);
	struct kmm_process *prev;
	long ret = -ENOTTY;

	if (!file)
		return -EBADF;
	if (file->f_op->unlocked_ioctl) {
		prev = process_enter(p);
		ret = file->f_op->unlocked_ioctl(file, cmd, arg);
		process_leave(prev);
	}
	file_put(file);
	return syscall_return(ret);
}

loff_t default_llseek(struct file *file, loff_t offset, int whence)
{
	loff_t pos;

	switch (whence) {
	case SEEK_SET:
		pos = offset;
		break;
	case SEEK_CUR:
		pos = file->f_pos + offset;
		break;
	default:
		return -EINVAL;
	}
	if (pos < 0)
		return -EINVAL;
	file->f_pos = pos;
	return pos;
}

loff_t noop_llseek(struct file *file, loff_t offset, int whence)
{
	return file->f_pos;
}

int nonseekable_open(struct inode *inode, struct file *file)
{
	file->f_mode &= ~FMODE_LSEEK;
	return 0;
}

long long kmm_lseek(struct kmm_process *p, int fd, long long offset, int whence)
{
	struct file *file = fd_get(p, fd);
	struct kmm_process *prev;
	long long ret;

	if (!file)
		return -EBADF;
	if (!(file->f_mode & FMODE_LSEEK)) {
		ret = -ESPIPE;
	} else {
		prev = process_enter(p);
		if (file->f_op->llseek)
			ret = file->f_op->llseek(file, offset, whence);
		else
			ret = default_llseek(file, offset, whence);
		process_leave(prev);
	}
	file_put(file);
	return ret;
}

/* Mappings hold their file by these (mm/ sits below the files). */
static const struct mm_file_ops mapping_file_ops = {
	.from_fd = file_from_fd,
	.get = file_get,
	.put = file_put,
};

static int file_boot(void)
{
	mm_set_file_ops(&mapping_file_ops);
	return 0;
}

kmm_initcall(fs, files, file_boot, NULL);
