import { Body, Controller, Param, Query } from '@nestjs/common';
import { ApiExcludeController, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor, type Actor } from '#httpapi/auth-decorators.js';
import { Endpoint } from '#httpapi/endpoint.js';
import { CreateTaskRequest, Task, TaskBuildResponse, TasksListResponse } from './tasks.dto.js';
import { TasksService } from './tasks.service.js';

const TASK_PARAM = 'A task is named by its id or, when no task has that id, by its name for the user.';

/** AI tasks (Coder's /api/v2/tasks; also under /api/experimental/tasks, where Coder first served them). */
@ApiTags('Tasks')
@Authenticated()
@Controller('api/v2/tasks')
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  @ApiQuery({ name: 'q', required: false, description: 'Search: owner: (a username, id or me), organization: (a name or id), status: (comma-separated).' })
  @Endpoint('GET', '', { id: 'listTasks', summary: 'List AI tasks', description: 'The tasks the caller may read, newest first.', response: TasksListResponse })
  list(@CurrentActor() actor: Actor, @Query('q') q?: string): Promise<TasksListResponse> {
    return this.tasks.list(actor, q);
  }

  @Endpoint('POST', ':user', {
    id: 'createTask',
    summary: 'Create AI task',
    description: 'The task and its workspace (named as the task). 400 when the version declares no AI task; a missing name is made from the input.',
    response: Task,
    errors: [403, 409],
  })
  create(@CurrentActor() actor: Actor, @Param('user') user: string, @Body() body: CreateTaskRequest): Promise<Task> {
    return this.tasks.create(actor, user, body);
  }

  @Endpoint('GET', ':user/:task', { id: 'getTask', summary: 'Get AI task', description: TASK_PARAM, response: Task })
  get(@CurrentActor() actor: Actor, @Param('user') user: string, @Param('task') task: string): Promise<Task> {
    return this.tasks.get(actor, user, task);
  }

  @Endpoint('DELETE', ':user/:task', { id: 'deleteTask', summary: 'Delete AI task', description: `Deletes its workspace (a delete build) and the task. ${TASK_PARAM}`, status: 202, errors: [403] })
  async delete(@CurrentActor() actor: Actor, @Param('user') user: string, @Param('task') task: string): Promise<void> {
    await this.tasks.delete(actor, user, task);
  }

  @Endpoint('POST', ':user/:task/pause', { id: 'pauseTask', summary: 'Pause AI task', description: `Stops its workspace (reason task_manual_pause). ${TASK_PARAM}`, status: 202, response: TaskBuildResponse, errors: [403, 409] })
  pause(@CurrentActor() actor: Actor, @Param('user') user: string, @Param('task') task: string): Promise<TaskBuildResponse> {
    return this.tasks.setRunning(actor, user, task, false);
  }

  @Endpoint('POST', ':user/:task/resume', { id: 'resumeTask', summary: 'Resume AI task', description: `Starts its workspace again (reason task_resume). ${TASK_PARAM}`, status: 202, response: TaskBuildResponse, errors: [403, 409] })
  resume(@CurrentActor() actor: Actor, @Param('user') user: string, @Param('task') task: string): Promise<TaskBuildResponse> {
    return this.tasks.setRunning(actor, user, task, true);
  }
}

/** The same routes where Coder served them while tasks were an experiment; documented once, under /api/v2. */
@ApiExcludeController()
@Controller('api/experimental/tasks')
export class ExperimentalTasksController extends TasksController {}
