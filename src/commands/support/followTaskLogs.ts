import type { LogChannels } from '../../adapters/logs/logChannels';
import type { Task } from '../../core/tasks/model';

/**
 * Opens a task's live log without taking focus, when the user wants logs followed
 * (`blackboxTasks.followLogs`, which the log channels' `follow` honours).
 */
export function followTaskLogs(logs: LogChannels, task: string | Task): void {
  logs.follow(task);
}
