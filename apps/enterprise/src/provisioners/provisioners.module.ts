import { Module } from '@nestjs/common';
import { OrganizationsModule } from '#coderd/organizations/organizations.module.js';
import { ProvisionersModule } from '#coderd/provisioners/provisioners.module.js';
import { ExternalDaemonsController } from './external-daemons.controller.js';
import { ExternalDaemonsService } from './external-daemons.service.js';
import { ProvisionerKeySelfController, ProvisionerKeysController } from './provisioner-keys.controller.js';
import { ProvisionerKeysRepository } from './provisioner-keys.repository.js';
import { ProvisionerKeysService } from './provisioner-keys.service.js';

/**
 * Provisioner keys and the external daemons that authenticate with them (feature
 * `external_provisioner_daemons`). Always mounted, 403 until entitled.
 */
@Module({
  imports: [OrganizationsModule, ProvisionersModule],
  controllers: [ProvisionerKeysController, ProvisionerKeySelfController, ExternalDaemonsController],
  providers: [ProvisionerKeysRepository, ProvisionerKeysService, ExternalDaemonsService],
})
export class ExternalProvisionersModule {}
